import Ember
import Foundation

/// The per-epoch table printed while training, and its CSV twin in the run folder. The
/// second phase is named `validName`: "test" where it runs on a test split (MNIST-format
/// data), "valid" on an image folder's `validation/`.
struct MetricsTable {
    let validName: String

    var header: String {
        " epoch  train loss  train acc  \(validName) loss  \(validName) acc        lr     time"
    }

    /// Columns as wide as their headings.
    func row(_ m: EpochMetrics) -> String {
        String(format: "%6d  %10.4f  %8.2f%%  %*.4f  %*.2f%%  %8.2g  %6.1fs",
               m.epoch, m.train.loss, m.train.accuracy * 100, Int32(validName.count + 5), m.valid.loss,
               Int32(validName.count + 3), m.valid.accuracy * 100, Double(Float(m.learningRate)), m.seconds)
    }

    var csvHeader: String {
        "epoch,train_loss,train_accuracy,\(validName)_loss,\(validName)_accuracy,lr,train_seconds,\(validName)_seconds"
    }

    /// The learning rate in the optimizer's own precision, so 0.01 prints as 0.01.
    func csvRow(_ m: EpochMetrics) -> String {
        "\(m.epoch),\(m.train.loss),\(m.train.accuracy),\(m.valid.loss),\(m.valid.accuracy),\(Float(m.learningRate)),\(m.train.seconds),\(m.valid.seconds)"
    }

    func csv(_ history: [EpochMetrics]) -> String {
        ([csvHeader] + history.map(csvRow)).joined(separator: "\n") + "\n"
    }

    /// Reads back a metrics.csv written by `csv`, for resumed runs (sample counts are not
    /// stored and read as 0).
    static func parse(csv: String) -> [EpochMetrics] {
        csv.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",").compactMap { Double($0) }
            guard f.count == 8 else { return nil }
            return EpochMetrics(
                epoch: Int(f[0]), train: PhaseMetrics(loss: f[1], accuracy: f[2], samples: 0, seconds: f[6]),
                valid: PhaseMetrics(loss: f[3], accuracy: f[4], samples: 0, seconds: f[7]), learningRate: f[5])
        }
    }
}
