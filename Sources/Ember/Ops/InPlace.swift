import CEmberKernels

/// In-place updates: visible through every view of the same storage. Like PyTorch, they
/// refuse to run on a leaf that requires grad while gradients are being recorded.
extension Tensor {
    private func checkInPlace(_ op: String) {
        precondition(
            !(GradMode.isEnabled && requiresGrad && isLeaf),
            "\(op): a leaf Variable that requires grad is being used in an in-place operation; wrap it in withNoGrad { }")
        precondition(
            !(GradMode.isEnabled && gradFn != nil),
            "\(op): in-place operations on tensors recorded by autograd are not supported; use the out-of-place form")
    }

    /// Overwrites this tensor's elements with `source`, broadcast and converted to this
    /// dtype (`x.copy_(src)`).
    public func copy(from source: Tensor) {
        checkInPlace("copy_")
        precondition(
            Shape.broadcast(source.shape, shape, op: "copy_") == shape,
            "copy_: source of shape \(source.shape) cannot be broadcast to \(shape)")
        let values = source.detach().to(dtype).expandRaw(shape).contiguous()
        // A source that aliases this tensor was just copied by contiguous() unless it was
        // already dense; make sure the write never reads what it overwrites.
        let safe = values.sharesStorage(with: self) && !values.isSameTensor(self) ? values.clone() : values
        safe.writeRaw(into: self)
    }

    /// Sets every element to `value` (`x.fill_(v)`).
    public func fill(_ value: Float) {
        checkInPlace("fill_")
        fillRaw(value)
    }

    /// Sets every element to zero (`x.zero_()`).
    public func zero() { fill(0) }

    /// Applies `op` with `rhs` in place; the result must keep this tensor's shape.
    private func updateInPlace(_ op: ember_binary_op, _ rhs: Tensor, _ name: String) {
        checkInPlace(name)
        if dtype == .float32 && isContiguous && rhs.dtype == .float32 && rhs.isContiguous
            && (rhs.shape == shape || rhs.numel == 1) && !rhs.sharesStorage(with: self) {
            let p = floatPointer, q = rhs.floatPointer, n = numel
            if rhs.shape == shape {
                parallelFor(n, grain: elementwiseGrain) { r in
                    ember_binary_f32(Int32(op.rawValue), p + r.lowerBound, q + r.lowerBound, p + r.lowerBound, Int64(r.count))
                }
            } else {
                let s = q.pointee
                parallelFor(n, grain: elementwiseGrain) { r in
                    ember_binary_tensor_scalar_f32(Int32(op.rawValue), p + r.lowerBound, s, p + r.lowerBound, Int64(r.count))
                }
            }
            return
        }
        let result = withNoGrad { BinaryKernels.apply(op, self, rhs.detach(), name: name) }
        precondition(result.shape == shape, "\(name): output with shape \(shape) doesn't match the broadcast shape \(result.shape)")
        result.to(dtype).writeRaw(into: self)
    }

    /// Adds `rhs`, broadcast to this shape, in place (`x.add_(y)`).
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs.updateInPlace(EMBER_BINARY_ADD, rhs, "add_") }
    /// Subtracts `rhs`, broadcast to this shape, in place (`x.sub_(y)`).
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs.updateInPlace(EMBER_BINARY_SUB, rhs, "sub_") }
    /// Multiplies by `rhs`, broadcast to this shape, in place (`x.mul_(y)`).
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs.updateInPlace(EMBER_BINARY_MUL, rhs, "mul_") }
    /// Divides by `rhs`, broadcast to this shape, in place (`x.div_(y)`).
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs.updateInPlace(EMBER_BINARY_DIV, rhs, "div_") }
    /// Adds a scalar in place (`x.add_(2)`).
    public static func += <S: BinaryFloatingPoint>(lhs: inout Tensor, rhs: S) { lhs += Tensor(Float(rhs)) }
    /// Subtracts a scalar in place (`x.sub_(2)`).
    public static func -= <S: BinaryFloatingPoint>(lhs: inout Tensor, rhs: S) { lhs -= Tensor(Float(rhs)) }
    /// Multiplies by a scalar in place (`x.mul_(2)`).
    public static func *= <S: BinaryFloatingPoint>(lhs: inout Tensor, rhs: S) { lhs *= Tensor(Float(rhs)) }
    /// Divides by a scalar in place (`x.div_(2)`).
    public static func /= <S: BinaryFloatingPoint>(lhs: inout Tensor, rhs: S) { lhs /= Tensor(Float(rhs)) }

    /// `self += alpha * other` in place (`x.add_(other, alpha=...)`), the optimizer step.
    public func add(_ other: Tensor, alpha: Float) {
        checkInPlace("add_")
        precondition(other.shape == shape, "add_: shapes \(shape) and \(other.shape) differ")
        if dtype == .float32 && isContiguous && other.dtype == .float32 && other.isContiguous {
            let p = floatPointer, q = other.floatPointer
            parallelFor(numel, grain: elementwiseGrain) { r in
                ember_axpy_f32(alpha, q + r.lowerBound, p + r.lowerBound, Int64(r.count))
            }
        } else {
            var target = self
            target += withNoGrad { other * alpha }
        }
    }
}
