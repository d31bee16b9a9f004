import CEmberKernels

infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence
infix operator .< : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .> : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence

/// Elementwise comparisons with broadcasting, producing bool tensors (not differentiable).
/// Methods follow PyTorch (`eq`, `lt`, ...); the dotted operators are shorthand.
extension Tensor {
    private func compare(_ other: Tensor, _ op: ember_compare_op, _ name: String) -> Tensor {
        let a = to(.float32), b = other.to(.float32)
        let outShape = a.shape == b.shape ? a.shape : Shape.broadcast(a.shape, b.shape, op: name)
        let out = Tensor(uninitialized: outShape, dtype: .bool)
        let o = out.boolPointer
        BinaryKernels.strided(outShape: outShape, a, b) { shape, pa, sa, pb, sb, rowOffset in
            ember_compare_strided_f32(Int32(op.rawValue), Int32(shape.count), shape, pa, sa, pb, sb, o + rowOffset)
        }
        return out
    }

    public func eq(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_EQ, "eq") }
    public func ne(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_NE, "ne") }
    public func lt(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_LT, "lt") }
    public func le(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_LE, "le") }
    public func gt(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_GT, "gt") }
    public func ge(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_GE, "ge") }

    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.eq(rhs) }
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.ne(rhs) }
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.lt(rhs) }
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.le(rhs) }
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.gt(rhs) }
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.ge(rhs) }

    /// Elementwise logical not of a bool tensor.
    public func logicalNot() -> Tensor { bool().eq(Tensor(0)) }

    /// Whether every element is within `atol + rtol * |other|` of `other` (`torch.allclose`).
    public func allClose(_ other: Tensor, rtol: Float = 1e-5, atol: Float = 1e-8) -> Bool {
        withNoGrad {
            let a = to(.float32), b = other.to(.float32)
            let diff = (a - b).abs()
            let tolerance = b.abs() * rtol + atol
            return diff.le(tolerance).all() && a.isNaN().eq(b.isNaN()).all()
        }
    }

    /// Where elements are NaN.
    public func isNaN() -> Tensor { to(.float32).ne(to(.float32)) }

    /// Whether every element is nonzero / true.
    public func all() -> Bool {
        let values = bool().contiguous()
        let p = values.boolPointer
        return (0..<values.numel).allSatisfy { p[$0] != 0 }
    }

    /// Whether any element is nonzero / true.
    public func any() -> Bool {
        let values = bool().contiguous()
        let p = values.boolPointer
        return (0..<values.numel).contains { p[$0] != 0 }
    }
}
