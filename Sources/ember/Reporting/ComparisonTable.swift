import Foundation

/// The tutorial's closing comparison of several nets trained the same way.
enum ComparisonTable {
    /// Test accuracy is also given as the mean of the last five epochs, which damps the
    /// epoch-to-epoch noise of a single figure.
    static func render(_ runs: [(name: String, run: RunResult)]) -> String {
        var lines = ["net               params   final test acc   mean of last 5   best test acc   s/epoch"]
        for (name, run) in runs {
            let accuracies = run.history.map(\.valid.accuracy)
            let lastFive = accuracies.suffix(5)
            let mean = lastFive.reduce(0, +) / Double(max(lastFive.count, 1))
            let seconds = run.history.map(\.seconds).reduce(0, +) / Double(max(run.history.count, 1))
            lines.append(String(
                format: "%@ %8d   %13.2f%%   %13.2f%%   %12.2f%%   %7.2f",
                name.padding(toLength: 15, withPad: " ", startingAt: 0), run.parameterCount, (accuracies.last ?? 0) * 100, mean * 100, (accuracies.max() ?? 0) * 100, seconds))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
