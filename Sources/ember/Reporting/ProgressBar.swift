import Foundation

/// A one-line live progress display on standard error: epoch, batch, running loss and
/// accuracy, samples per second and time left. Redraws in place on a terminal; elsewhere
/// (a log file, CI) it prints nothing until `finish`, so logs stay readable.
final class ProgressBar {
    private let label: String
    private let total: Int
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let interactive = isatty(STDERR_FILENO) != 0

    init(label: String, total: Int) {
        self.label = label
        self.total = total
    }

    /// Updates the line after `done` of `total` batches with the running loss and accuracy.
    func update(done: Int, samples: Int, loss: Double, accuracy: Double) {
        update(done: done, samples: samples, summary: String(format: "loss %.4f  acc %.2f%%", loss, accuracy * 100))
    }

    /// Updates the line after `done` of `total` batches with `summary` (running figures).
    func update(done: Int, samples: Int, summary: @autoclosure () -> String) {
        guard interactive else { return }
        let now = Date()
        // Redrawing costs a syscall; ten times a second is plenty for the eye.
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(samples) / max(elapsed, 1e-9)
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "\r%@ %@ %d/%d  %@  %.0f samples/s  ETA %@ ",
                          label, bar, done, total, summary(), rate, formatDuration(remaining))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clears the live line.
    func finish() {
        guard interactive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// `1:05` style durations for progress lines and tables.
func formatDuration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    return total >= 3600
        ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
        : String(format: "%d:%02d", total / 60, total % 60)
}
