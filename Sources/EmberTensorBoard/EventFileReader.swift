import Foundation
import SwiftProtobuf

/// One event of a TensorBoard event file, as `EventFileReader` reads it.
public struct SummaryEvent: Sendable, Equatable {
    /// Seconds since 1970 when the event was written.
    public let wallTime: Double
    /// The global step it was logged at (0 when none was given).
    public let step: Int
    /// `"brain.Event:2"` on a file's first event, nil on the others.
    public let fileVersion: String?
    /// A `SessionLog` START: TensorBoard drops earlier files' events at or past `step`.
    public let purgesLaterSteps: Bool
    /// The summary's values, empty for events that hold none.
    public let values: [SummaryValue]
}

/// One tagged value of a summary.
public struct SummaryValue: Sendable, Equatable {
    public let tag: String
    /// The plugin the value is meant for (`"text"`, `"hparams"`, `"scalars"`), when named.
    public let pluginName: String?
    /// The plugin's own data: for `"hparams"`, a serialized `HParamsPluginData`.
    public let pluginContent: Data
    public let content: Content

    /// What a value holds.
    public enum Content: Sendable, Equatable {
        /// A scalar: `simple_value`, or a one-element float tensor.
        case scalar(Double)
        /// An encoded image (PNG from Ember and PyTorch) with its size and channel count.
        case image(width: Int, height: Int, colorspace: Int, encoded: Data)
        /// A histogram: `buckets[i]` counts the values up to `bucketLimits[i]`.
        case histogram(min: Double, max: Double, count: Double, sum: Double, sumSquares: Double,
                       bucketLimits: [Double], buckets: [Double])
        /// The strings of a string tensor (the text plugin's).
        case strings([String])
        /// Metadata only, or a kind Ember does not interpret.
        case other
    }
}

/// Reads TensorBoard event files — Ember's, PyTorch's, TensorFlow's: the record framing with
/// both checksums of every record, then each record's `Event`. Event files are outside data:
/// damage gives `TensorBoardError` naming the file and the byte offset, never a crash.
public enum EventFileReader {
    /// The largest file read whole: event files are appended to and rarely this big.
    public static let maximumFileSize = 1 << 30

    /// Every event of the file at `url`, in file order.
    public static func read(contentsOf url: URL) throws -> [SummaryEvent] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let size = attributes?[.size] as? Int, size > maximumFileSize {
            throw TensorBoardError.io(file: url.path, reason: "\(size) bytes exceeds the reader's limit of \(maximumFileSize)")
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw TensorBoardError.io(file: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try read(bytes, file: url.path)
    }

    /// The events of an event file's bytes; `file` names it in errors.
    public static func read(_ bytes: Data, file: String = "<memory>") throws -> [SummaryEvent] {
        try RecordFile.records(in: bytes, file: file).map { offset, data in
            let event: Tensorboard_Event
            do {
                event = try Tensorboard_Event(serializedBytes: data)
            } catch {
                throw TensorBoardError.invalidEvent(file: file, offset: offset, reason: "\(error)")
            }
            return SummaryEvent(event)
        }
    }

    /// The event files in `folder` (not its sub-folders), in name order — TensorBoard's
    /// order of a run's files.
    public static func eventFiles(in folder: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw TensorBoardError.io(file: folder.path, reason: "cannot list the folder (\(error.localizedDescription))")
        }
        return names.filter { $0.hasPrefix("events.out.tfevents.") }.sorted().map { folder.appendingPathComponent($0) }
    }
}

extension SummaryEvent {
    init(_ event: Tensorboard_Event) {
        wallTime = event.wallTime
        step = Int(event.step)
        if case .fileVersion(let version)? = event.what { fileVersion = version } else { fileVersion = nil }
        if case .sessionLog(let log)? = event.what { purgesLaterSteps = log.status == .start } else { purgesLaterSteps = false }
        if case .summary(let summary)? = event.what { values = summary.value.map(SummaryValue.init) } else { values = [] }
    }
}

extension SummaryValue {
    init(_ value: Tensorboard_Summary.Value) {
        tag = value.tag
        let plugin = value.metadata.pluginData
        pluginName = value.hasMetadata && value.metadata.hasPluginData ? plugin.pluginName : nil
        pluginContent = plugin.content
        switch value.value {
        case .simpleValue(let number)?:
            content = .scalar(Double(number))
        case .image(let image)?:
            content = .image(width: Int(image.width), height: Int(image.height), colorspace: Int(image.colorspace),
                             encoded: image.encodedImageString)
        case .histo(let h)?:
            content = .histogram(min: h.min, max: h.max, count: h.num, sum: h.sum, sumSquares: h.sumSquares,
                                 bucketLimits: h.bucketLimit, buckets: h.bucket)
        case .tensor(let tensor)?:
            switch tensor.dtype {
            case .dtString: content = .strings(tensor.stringVal.map { String(decoding: $0, as: UTF8.self) })
            case .dtFloat where tensor.floatVal.count == 1: content = .scalar(Double(tensor.floatVal[0]))
            case .dtDouble where tensor.doubleVal.count == 1: content = .scalar(tensor.doubleVal[0])
            default: content = .other
            }
        case nil:
            content = .other
        }
    }
}
