import Ember
import EmberTensorBoard
import EmberVision
import Foundation

/// A run folder's TensorBoard event file (`--tensorboard`, on by default): per epoch what
/// the table shows, as scalars with the epoch as step, and the run's sample grids, so
/// `tensorboard --logdir runs` shows every Ember run beside PyTorch ones. A resumed run
/// opens a new file whose purge step hides what the interrupted run logged after its last
/// checkpoint.
final class TensorBoardLog {
    private let writer: SummaryWriter?

    init(folder: URL, enabled: Bool, resumedAfter epoch: Int) throws {
        writer = enabled ? try SummaryWriter(logDir: folder, purgeStep: epoch > 0 ? epoch + 1 : nil) : nil
    }

    /// Logs `values` at `epoch` and writes them to disk; values that are not finite are left out.
    func log(epoch: Int, _ values: KeyValuePairs<String, Double>, images: KeyValuePairs<String, Tensor> = [:]) throws {
        guard let writer else { return }
        for (tag, value) in values where value.isFinite { try writer.addScalar(tag, value, globalStep: epoch) }
        for (tag, grid) in images { try writer.addImage(tag, grid, globalStep: epoch) }
        try writer.flush()
    }

    func close() throws { try writer?.close() }
}
