import Ember
import Foundation

/// Writes what a training run logs into TensorBoard event files, as PyTorch's
/// `torch.utils.tensorboard.SummaryWriter` does: the same method names, arguments, tags,
/// file names and folder layout, so `tensorboard --logdir` shows Ember runs beside PyTorch
/// runs.
///
/// ```swift
/// let writer = try SummaryWriter(logDir: URL(fileURLWithPath: "runs/mnist"))
/// try writer.addScalar("loss/train", loss, globalStep: epoch)
/// try writer.addImages("samples", fakes * 0.5 + 0.5, globalStep: epoch)
/// try writer.close()
/// ```
///
/// Events are queued and appended to the file `maxQueue` at a time, when `flushSecs` have
/// passed, or on `flush()` and `close()` (PyTorch flushes from a background thread; here the
/// next call does). Every method throws `TensorBoardError`: `.io` when the file cannot be
/// written, `.invalidValue` for a value it cannot represent.
public final class SummaryWriter {
    /// The folder the main event file is in.
    public let logDir: URL
    private let maxQueue: Int
    private let flushSecs: Double
    private let filenameSuffix: String
    private let main: EventFileWriter
    /// The writers `addScalars` opens, one per sub-folder.
    private var scalarWriters: [String: EventFileWriter] = [:]

    /// Bins of `addHistogram`'s default `.tensorflow`: ±1.1ⁿ × 10⁻¹² up to 10²⁰, and 0.
    static let tensorflowBins: [Double] = {
        var positive: [Double] = [], v = 1e-12
        while v < 1e20 {
            positive.append(v)
            v *= 1.1
        }
        return positive.reversed().map { -$0 } + [0] + positive
    }()

    /// Opens a new event file in `logDir` — by default `runs/<Mmmdd_HH-MM-SS>_<host><comment>`,
    /// as PyTorch names it. With `purgeStep`, TensorBoard hides the events of earlier files
    /// at or past that step: a run resumed after step T - 1 passes T, so what a killed run
    /// logged past its last checkpoint does not show twice.
    public init(logDir: URL? = nil, comment: String = "", purgeStep: Int? = nil, maxQueue: Int = 10,
                flushSecs: Double = 120, filenameSuffix: String = "") throws {
        self.logDir = logDir ?? URL(fileURLWithPath: "runs").appendingPathComponent(Self.defaultRunName(comment: comment))
        self.maxQueue = maxQueue
        self.flushSecs = flushSecs
        self.filenameSuffix = filenameSuffix
        main = try EventFileWriter(folder: self.logDir, maxQueue: maxQueue, flushSecs: flushSecs, filenameSuffix: filenameSuffix)
        if let purgeStep {
            var version = Tensorboard_Event()
            version.step = Int64(purgeStep)
            version.fileVersion = "brain.Event:2"
            var start = Tensorboard_Event()
            start.step = Int64(purgeStep)
            start.sessionLog.status = .start
            for event in [version, start] {
                var stamped = event
                stamped.wallTime = Date().timeIntervalSince1970
                try main.add(stamped)
            }
        }
    }

    /// The file events are written to.
    public var file: URL { main.file }

    // MARK: Scalars

    /// Logs one value of the series `tag` (`add_scalar`), as a `simple_value`; with
    /// `newStyle`, as a scalar tensor of the scalars plugin (double precision with
    /// `doublePrecision`).
    public func addScalar(_ tag: String, _ value: Double, globalStep: Int? = nil, walltime: Double? = nil,
                          newStyle: Bool = false, doublePrecision: Bool = false) throws {
        try main.add(event(SummaryValues.scalar(tag, value, newStyle: newStyle, doublePrecision: doublePrecision),
                           globalStep, walltime))
    }

    /// Logs several series in one chart (`add_scalars`): each `tag` goes to its own event
    /// file in `<logDir>/<mainTag with / as _>_<tag>`, under the tag `mainTag`.
    public func addScalars(_ mainTag: String, _ values: KeyValuePairs<String, Double>, globalStep: Int? = nil,
                           walltime: Double? = nil) throws {
        let time = walltime ?? Date().timeIntervalSince1970
        for (tag, value) in values {
            let folder = logDir.path + "/" + mainTag.replacingOccurrences(of: "/", with: "_") + "_" + tag
            let writer = try scalarWriters[folder] ?? EventFileWriter(
                folder: URL(fileURLWithPath: folder), maxQueue: maxQueue, flushSecs: flushSecs, filenameSuffix: filenameSuffix)
            scalarWriters[folder] = writer
            try writer.add(event(SummaryValues.scalar(mainTag, value, newStyle: false, doublePrecision: false), globalStep, time))
        }
    }

    // MARK: Histograms, images, text

    /// Logs the distribution of `values` (`add_histogram`), binned as PyTorch bins it.
    public func addHistogram(_ tag: String, _ values: Tensor, globalStep: Int? = nil, bins: HistogramBins = .tensorflow,
                             walltime: Double? = nil, maxBins: Int? = nil) throws {
        let summary = try SummaryValues.histogram(tag, values, bins: bins, maxBins: maxBins)
        try main.add(event(summary, globalStep, walltime))
    }

    /// Logs one image (`add_image`): `dataformats` names the tensor's dimensions (`"CHW"`,
    /// `"HWC"`, `"HW"`); float values are taken as 0...1 and scaled by 255, clipped and
    /// truncated as PyTorch does; one channel is shown as gray RGB.
    public func addImage(_ tag: String, _ image: Tensor, globalStep: Int? = nil, walltime: Double? = nil,
                         dataformats: String = "CHW") throws {
        try main.add(event(SummaryValues.image(tag, image, dataformats: dataformats), globalStep, walltime))
    }

    /// Logs a batch as one picture (`add_images`): `dataformats` `"NCHW"` (or `"NHWC"`), the
    /// images laid out eight per row without padding, as PyTorch's `add_images` does.
    public func addImages(_ tag: String, _ images: Tensor, globalStep: Int? = nil, walltime: Double? = nil,
                          dataformats: String = "NCHW") throws {
        try main.add(event(SummaryValues.image(tag, images, dataformats: dataformats), globalStep, walltime))
    }

    /// Logs a piece of text, shown by TensorBoard's text plugin under `<tag>/text_summary`
    /// (`add_text`); Markdown is rendered.
    public func addText(_ tag: String, _ text: String, globalStep: Int? = nil, walltime: Double? = nil) throws {
        try main.add(event(SummaryValues.text(tag, text), globalStep, walltime))
    }

    // MARK: Hyperparameters

    /// Records one session of the hparams plugin (`add_hparams`): in the sub-folder `runName`
    /// (the current time by default) the experiment, the session's hyperparameters and its
    /// end, then each metric as a scalar. Hyperparameters keep their order.
    public func addHparams(_ hparams: KeyValuePairs<String, HParamValue>, metrics: KeyValuePairs<String, Double>,
                           runName: String? = nil, globalStep: Int? = nil) throws {
        let name = runName ?? String(Date().timeIntervalSince1970)
        let writer = try EventFileWriter(folder: logDir.appendingPathComponent(name), maxQueue: maxQueue,
                                         flushSecs: flushSecs, filenameSuffix: filenameSuffix)
        for summary in try HParamsSummaries.make(hparams, metricTags: metrics.map(\.key)) {
            try writer.add(event(summary, globalStep, nil))
        }
        for (tag, value) in metrics {
            try writer.add(event(SummaryValues.scalar(tag, value, newStyle: false, doublePrecision: false), globalStep, nil))
        }
        try writer.close()
    }

    // MARK: Files

    /// Writes every queued event of every file of this writer to disk.
    public func flush() throws {
        try main.flush()
        for writer in scalarWriters.values { try writer.flush() }
    }

    /// Flushes and closes the files; the writer cannot be used afterwards.
    public func close() throws {
        try main.close()
        for writer in scalarWriters.values { try writer.close() }
    }

    private func event(_ summary: Tensorboard_Summary, _ step: Int?, _ walltime: Double?) -> Tensorboard_Event {
        var event = Tensorboard_Event()
        event.wallTime = walltime ?? Date().timeIntervalSince1970
        if let step { event.step = Int64(step) }
        event.summary = summary
        return event
    }

    private static func defaultRunName(comment: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "MMMdd_HH-mm-ss"
        return formatter.string(from: Date()) + "_" + hostName() + comment
    }
}
