/// How `pad` fills the new border (`F.pad`'s `mode`).
public enum PadMode: String, Sendable {
    /// A constant `value`.
    case constant
    /// The mirror image of the input, excluding the edge (`[1, 2, 3]` → `2, 1, 2, 3, 2, 1`).
    case reflect
    /// The edge value repeated.
    case replicate
    /// The input wrapped around (`[1, 2, 3]` → `2, 3, 1, 2, 3, 1, 2`).
    case circular
}

/// `F.pad` over the last two dimensions: `padding` adds (left, right, top, bottom) columns
/// and rows. Constant padding may be negative, cropping instead; reflect padding must be
/// smaller than the dimension and circular padding at most as large. Differentiable: the
/// gradient of each input element sums the output positions copied from it.
public func pad(
    _ input: Tensor, _ padding: (left: Int, right: Int, top: Int, bottom: Int), mode: PadMode = .constant,
    value: Float = 0
) -> Tensor {
    precondition(input.ndim >= 2 && input.dtype == .float32,
                 "pad: expected a float32 tensor with at least 2 dimensions, got \(input.dtype) \(input.shape)")
    let (h, w) = (input.shape[input.ndim - 2], input.shape[input.ndim - 1])
    let rows = padSources(h, before: padding.top, after: padding.bottom, mode: mode)
    let columns = padSources(w, before: padding.left, after: padding.right, mode: mode)
    precondition(!rows.isEmpty && !columns.isEmpty,
                 "pad: the padded size [\(rows.count), \(columns.count)] of input \(input.shape) must be positive")
    let planes = input.shape.dropLast(2).reduce(1, *)
    let (oh, ow) = (rows.count, columns.count)
    let x = input.detach().contiguous()
    let out = Tensor(uninitialized: Array(input.shape.dropLast(2)) + [oh, ow])
    let src = x.floatPointer, dst = out.floatPointer
    parallelFor(planes, grain: Swift.max(1, elementwiseGrain / Swift.max(oh * ow, 1))) { range in
        for p in range {
            for (i, r) in rows.enumerated() {
                let row = dst + (p * oh + i) * ow
                for (j, c) in columns.enumerated() {
                    row[j] = r < 0 || c < 0 ? value : src[(p * h + r) * w + c]
                }
            }
        }
    }
    return Tensor.record("PadBackward", output: out, inputs: [input]) { g in
        let g = g.contiguous(), gx = Tensor.zeros(input.shape)
        let pg = g.floatPointer, o = gx.floatPointer
        // Per plane, so that accumulation into a plane stays on one thread.
        parallelFor(planes, grain: Swift.max(1, elementwiseGrain / Swift.max(oh * ow, 1))) { range in
            for p in range {
                for (i, r) in rows.enumerated() where r >= 0 {
                    for (j, c) in columns.enumerated() where c >= 0 {
                        o[(p * h + r) * w + c] += pg[(p * oh + i) * ow + j]
                    }
                }
            }
        }
        return [gx]
    }
}

/// For each position of a dimension of `size` padded by `before` and `after`, the input
/// position it copies, or -1 for a constant.
private func padSources(_ size: Int, before: Int, after: Int, mode: PadMode) -> [Int] {
    switch mode {
    case .constant: break
    case .reflect:
        precondition(before < size && after < size && before >= 0 && after >= 0,
                     "pad: Padding size should be less than the corresponding input dimension, but got: padding (\(before), \(after)) at dimension of size \(size)")
    case .replicate:
        precondition(size > 0 && before >= 0 && after >= 0,
                     "pad: replicate padding needs a non-empty dimension and non-negative padding, got padding (\(before), \(after)) at dimension of size \(size)")
    case .circular:
        precondition(before <= size && after <= size && before >= 0 && after >= 0,
                     "pad: Padding value causes wrapping around more than once: padding (\(before), \(after)) at dimension of size \(size)")
    }
    return (-before..<(size + after)).map { i in
        if i >= 0 && i < size { return i }
        switch mode {
        case .constant: return -1
        case .reflect: return i < 0 ? -i : 2 * (size - 1) - i
        case .replicate: return Swift.min(Swift.max(i, 0), size - 1)
        case .circular: return (i % size + size) % size
        }
    }
}
