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

    /// Where `self == other`, elementwise with broadcasting, as a bool tensor (`torch.eq`).
    public func eq(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_EQ, "eq") }
    /// Where `self != other`, elementwise with broadcasting, as a bool tensor (`torch.ne`).
    public func ne(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_NE, "ne") }
    /// Where `self < other`, elementwise with broadcasting, as a bool tensor (`torch.lt`).
    public func lt(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_LT, "lt") }
    /// Where `self <= other`, elementwise with broadcasting, as a bool tensor (`torch.le`).
    public func le(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_LE, "le") }
    /// Where `self > other`, elementwise with broadcasting, as a bool tensor (`torch.gt`).
    public func gt(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_GT, "gt") }
    /// Where `self >= other`, elementwise with broadcasting, as a bool tensor (`torch.ge`).
    public func ge(_ other: Tensor) -> Tensor { compare(other, EMBER_CMP_GE, "ge") }

    /// `lhs.eq(rhs)`: elementwise `==` as a bool tensor (PyTorch's `x == y` on tensors).
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.eq(rhs) }
    /// `lhs.ne(rhs)`: elementwise `!=` as a bool tensor (PyTorch's `x != y` on tensors).
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.ne(rhs) }
    /// `lhs.lt(rhs)`: elementwise `<` as a bool tensor (PyTorch's `x < y` on tensors).
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.lt(rhs) }
    /// `lhs.le(rhs)`: elementwise `<=` as a bool tensor (PyTorch's `x <= y` on tensors).
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.le(rhs) }
    /// `lhs.gt(rhs)`: elementwise `>` as a bool tensor (PyTorch's `x > y` on tensors).
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.gt(rhs) }
    /// `lhs.ge(rhs)`: elementwise `>=` as a bool tensor (PyTorch's `x >= y` on tensors).
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.ge(rhs) }

    // Scalar operands, `x.gt(threshold)` and `x .> 0.5`: any Swift float or integer value,
    // compared as float32 as a 0-d tensor would be. (Literals also work through the tensor
    // forms, since a literal is a tensor.)

    /// Where `self == other` for a scalar `other`, as a bool tensor (`x.eq(0.5)`).
    public func eq<S: BinaryFloatingPoint>(_ other: S) -> Tensor { eq(Tensor(Float(other))) }
    /// Where `self != other` for a scalar `other`, as a bool tensor (`x.ne(0.5)`).
    public func ne<S: BinaryFloatingPoint>(_ other: S) -> Tensor { ne(Tensor(Float(other))) }
    /// Where `self < other` for a scalar `other`, as a bool tensor (`x.lt(0.5)`).
    public func lt<S: BinaryFloatingPoint>(_ other: S) -> Tensor { lt(Tensor(Float(other))) }
    /// Where `self <= other` for a scalar `other`, as a bool tensor (`x.le(0.5)`).
    public func le<S: BinaryFloatingPoint>(_ other: S) -> Tensor { le(Tensor(Float(other))) }
    /// Where `self > other` for a scalar `other`, as a bool tensor (`x.gt(0.5)`).
    public func gt<S: BinaryFloatingPoint>(_ other: S) -> Tensor { gt(Tensor(Float(other))) }
    /// Where `self >= other` for a scalar `other`, as a bool tensor (`x.ge(0.5)`).
    public func ge<S: BinaryFloatingPoint>(_ other: S) -> Tensor { ge(Tensor(Float(other))) }
    /// Where `self == other` for a scalar `other`, as a bool tensor (`x.eq(0)`).
    public func eq<S: BinaryInteger>(_ other: S) -> Tensor { eq(Tensor(Float(other))) }
    /// Where `self != other` for a scalar `other`, as a bool tensor (`x.ne(0)`).
    public func ne<S: BinaryInteger>(_ other: S) -> Tensor { ne(Tensor(Float(other))) }
    /// Where `self < other` for a scalar `other`, as a bool tensor (`x.lt(0)`).
    public func lt<S: BinaryInteger>(_ other: S) -> Tensor { lt(Tensor(Float(other))) }
    /// Where `self <= other` for a scalar `other`, as a bool tensor (`x.le(0)`).
    public func le<S: BinaryInteger>(_ other: S) -> Tensor { le(Tensor(Float(other))) }
    /// Where `self > other` for a scalar `other`, as a bool tensor (`x.gt(0)`).
    public func gt<S: BinaryInteger>(_ other: S) -> Tensor { gt(Tensor(Float(other))) }
    /// Where `self >= other` for a scalar `other`, as a bool tensor (`x.ge(0)`).
    public func ge<S: BinaryInteger>(_ other: S) -> Tensor { ge(Tensor(Float(other))) }

    /// `lhs.eq(rhs)` for a scalar `rhs`: `x .== 0.5`.
    public static func .== <S: BinaryFloatingPoint>(lhs: Tensor, rhs: S) -> Tensor { lhs.eq(rhs) }
    /// `lhs.ne(rhs)` for a scalar `rhs`: `x .!= 0.5`.
    public static func .!= <S: BinaryFloatingPoint>(lhs: Tensor, rhs: S) -> Tensor { lhs.ne(rhs) }
    /// `lhs.lt(rhs)` for a scalar `rhs`: `x .< 0.5`.
    public static func .< <S: BinaryFloatingPoint>(lhs: Tensor, rhs: S) -> Tensor { lhs.lt(rhs) }
    /// `lhs.le(rhs)` for a scalar `rhs`: `x .<= 0.5`.
    public static func .<= <S: BinaryFloatingPoint>(lhs: Tensor, rhs: S) -> Tensor { lhs.le(rhs) }
    /// `lhs.gt(rhs)` for a scalar `rhs`: `x .> 0.5`.
    public static func .> <S: BinaryFloatingPoint>(lhs: Tensor, rhs: S) -> Tensor { lhs.gt(rhs) }
    /// `lhs.ge(rhs)` for a scalar `rhs`: `x .>= 0.5`.
    public static func .>= <S: BinaryFloatingPoint>(lhs: Tensor, rhs: S) -> Tensor { lhs.ge(rhs) }
    /// `lhs.eq(rhs)` for a scalar `rhs`: `x .== 0`.
    public static func .== <S: BinaryInteger>(lhs: Tensor, rhs: S) -> Tensor { lhs.eq(rhs) }
    /// `lhs.ne(rhs)` for a scalar `rhs`: `x .!= 0`.
    public static func .!= <S: BinaryInteger>(lhs: Tensor, rhs: S) -> Tensor { lhs.ne(rhs) }
    /// `lhs.lt(rhs)` for a scalar `rhs`: `x .< 0`.
    public static func .< <S: BinaryInteger>(lhs: Tensor, rhs: S) -> Tensor { lhs.lt(rhs) }
    /// `lhs.le(rhs)` for a scalar `rhs`: `x .<= 0`.
    public static func .<= <S: BinaryInteger>(lhs: Tensor, rhs: S) -> Tensor { lhs.le(rhs) }
    /// `lhs.gt(rhs)` for a scalar `rhs`: `x .> 0`.
    public static func .> <S: BinaryInteger>(lhs: Tensor, rhs: S) -> Tensor { lhs.gt(rhs) }
    /// `lhs.ge(rhs)` for a scalar `rhs`: `x .>= 0`.
    public static func .>= <S: BinaryInteger>(lhs: Tensor, rhs: S) -> Tensor { lhs.ge(rhs) }

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
