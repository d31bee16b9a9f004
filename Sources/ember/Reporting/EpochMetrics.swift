import Foundation

/// What one epoch measured.
struct EpochMetrics {
    var epoch: Int
    var trainLoss: Double
    var trainAccuracy: Double
    var testLoss: Double
    var testAccuracy: Double
    /// Kept in the optimizer's own precision, so 0.01 prints as 0.01.
    var learningRate: Float
    var seconds: Double
}

/// The per-epoch table printed while training, and its CSV twin in the run folder.
enum MetricsTable {
    static let header = " epoch  train loss  train acc  test loss  test acc        lr     time"

    static func row(_ m: EpochMetrics) -> String {
        String(format: "%6d  %10.4f  %8.2f%%  %9.4f  %7.2f%%  %8.2g  %6.1fs",
               m.epoch, m.trainLoss, m.trainAccuracy * 100, m.testLoss, m.testAccuracy * 100,
               Double(m.learningRate), m.seconds)
    }

    static let csvHeader = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds"

    static func csvRow(_ m: EpochMetrics) -> String {
        "\(m.epoch),\(m.trainLoss),\(m.trainAccuracy),\(m.testLoss),\(m.testAccuracy),\(m.learningRate),\(m.seconds)"
    }

    /// Reads back a metrics.csv written by `csvRow`, for resumed runs.
    static func parse(csv: String) -> [EpochMetrics] {
        csv.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",").compactMap { Double($0) }
            guard f.count == 7 else { return nil }
            return EpochMetrics(epoch: Int(f[0]), trainLoss: f[1], trainAccuracy: f[2], testLoss: f[3],
                                testAccuracy: f[4], learningRate: Float(f[5]), seconds: f[6])
        }
    }
}
