/// Argument checks shared by the elementwise losses (regression and binary cross entropy),
/// which compare an input with a target of exactly its shape. PyTorch broadcasts mismatched
/// shapes with a warning; a `[64, 1]` output against a `[64]` target then silently becomes a
/// `[64, 64]` loss, so Ember stops instead.
enum ElementwiseLossChecks {
    /// Stops unless `input` and `target` are float32 tensors of the same shape.
    static func pair(_ input: Tensor, _ target: Tensor, op: String) {
        precondition(
            input.shape == target.shape,
            "\(op): input shape \(input.shape) and target shape \(target.shape) must be the same")
        precondition(
            input.dtype == .float32 && target.dtype == .float32,
            "\(op): expected float32 input and target, got \(input.dtype) and \(target.dtype) (convert labels with .float())")
    }

    /// Stops unless `tensor` (an optional `name` argument) broadcasts to `shape` without
    /// growing it.
    static func broadcastable(_ tensor: Tensor?, named name: String, to shape: [Int], op: String) {
        guard let tensor else { return }
        let offset = shape.count - tensor.ndim
        let fits = offset >= 0 && tensor.shape.indices.allSatisfy { tensor.shape[$0] == 1 || tensor.shape[$0] == shape[$0 + offset] }
        precondition(fits, "\(op): \(name) of shape \(tensor.shape) must broadcast to the input's shape \(shape)")
        precondition(tensor.dtype == .float32, "\(op): expected a float32 \(name), got \(tensor.dtype)")
    }
}
