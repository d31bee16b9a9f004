import Ember
import EmberTensorBoard
import EmberVision
import Foundation

/// A run folder's TensorBoard event file (`--tensorboard`, on by default): per epoch what
/// the table shows, as scalars with the epoch as step, the run's sample grids and the
/// classifiers' weight histograms, so
/// `tensorboard --logdir runs` shows every Ember run beside PyTorch ones. A resumed run
/// opens a new file whose purge step hides what the interrupted run logged after its last
/// checkpoint.
final class TensorBoardLog {
    private let writer: SummaryWriter?

    init(folder: URL, enabled: Bool, resumedAfter epoch: Int) throws {
        writer = enabled ? try SummaryWriter(logDir: folder, purgeStep: epoch > 0 ? epoch + 1 : nil) : nil
    }

    /// Logs `values` at `epoch`, the grids of `images`, a histogram of each of `weights`
    /// under `weights/<name>`, and writes them to disk; values that are not finite are left
    /// out, and so are histograms of weights that are not all finite.
    func log(epoch: Int, _ values: KeyValuePairs<String, Double>, images: KeyValuePairs<String, Tensor> = [:],
             weights: [(name: String, tensor: Tensor)] = []) throws {
        guard let writer else { return }
        for (tag, value) in values where value.isFinite { try writer.addScalar(tag, value, globalStep: epoch) }
        for (tag, grid) in images { try writer.addImage(tag, grid, globalStep: epoch) }
        for (name, tensor) in weights where tensor.numel > 0 {
            do {
                try writer.addHistogram("weights/\(name)", tensor, globalStep: epoch)
            } catch TensorBoardError.invalidValue {
                continue
            }
        }
        try writer.flush()
    }

    func close() throws { try writer?.close() }
}
