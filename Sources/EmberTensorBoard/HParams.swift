import Foundation
import SwiftProtobuf

/// A hyperparameter's value for `SummaryWriter.addHparams`: a number or a string.
///
/// A `Bool` literal is stored as the number 1 or 0, as PyTorch stores Python's `True` and
/// `False` (they are `int`s there).
public enum HParamValue: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case number(Double)
    case string(String)

    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .number(value ? 1 : 0) }
}

/// The three summaries of the hparams plugin that PyTorch's `hparams()` builds: the
/// experiment (hyperparameter names and types, metric tags), the session's start with its
/// values, and its successful end.
enum HParamsSummaries {
    static func make(_ hparams: KeyValuePairs<String, HParamValue>, metricTags: [String]) throws -> [Tensorboard_Summary] {
        var start = Tensorboard_HParamsSessionStartInfo()
        var experiment = Tensorboard_HParamsExperiment()
        for (name, value) in hparams {
            var info = Tensorboard_HParamsInfo()
            info.name = name
            switch value {
            case .number(let number):
                start.hparams[name] = Google_Protobuf_Value(numberValue: number)
                info.type = .dataTypeFloat64
            case .string(let text):
                start.hparams[name] = Google_Protobuf_Value(stringValue: text)
                info.type = .dataTypeString
            }
            experiment.hparamInfos.append(info)
        }
        experiment.metricInfos = metricTags.map { tag in
            var metric = Tensorboard_HParamsMetricInfo()
            metric.name.tag = tag
            return metric
        }
        var end = Tensorboard_HParamsSessionEndInfo()
        end.status = .statusSuccess
        var data = [Tensorboard_HParamsPluginData](repeating: Tensorboard_HParamsPluginData(), count: 3)
        data[0].experiment = experiment
        data[1].sessionStartInfo = start
        data[2].sessionEndInfo = end
        let tags = ["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info"]
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return try zip(tags, data).map { tag, content in
            var value = Tensorboard_Summary.Value()
            value.tag = tag
            value.metadata.pluginData.pluginName = "hparams"
            value.metadata.pluginData.content = try content.serializedData(options: options)
            var summary = Tensorboard_Summary()
            summary.value = [value]
            return summary
        }
    }
}
