/// Why training stopped before its last epoch.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A train batch's loss was NaN or infinite, so the optimizer was not stepped with its
    /// gradients; the weights are those after the previous batch. Epochs and batches count
    /// from 1.
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float)

    /// The message: where training stopped and what to try.
    public var description: String {
        switch self {
        case .nonFiniteLoss(let epoch, let batch, let value):
            // A NaN's sign bit means nothing; Swift would print it as "-nan".
            "training stopped in epoch \(epoch), batch \(batch): the loss is \(value.isNaN ? "nan" : "\(value)") (it diverged; try a smaller learning rate, and check the data for NaN)"
        }
    }

    public static func == (lhs: TrainingError, rhs: TrainingError) -> Bool {
        switch (lhs, rhs) {
        case let (.nonFiniteLoss(e1, b1, v1), .nonFiniteLoss(e2, b2, v2)):
            // NaN is not equal to itself, but two reports of a NaN loss are the same report.
            e1 == e2 && b1 == b2 && (v1 == v2 || (v1.isNaN && v2.isNaN))
        }
    }
}
