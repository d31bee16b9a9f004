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

    // Scalar operands, `x.gt(threshold)` and `x .> 0.5`: a Swift float or integer value,
    // compared as float32 as a 0-d tensor would be. (Literals also work through the tensor
    // forms, since a literal is a tensor.)

    public func eq<S: ScalarOperand>(_ other: S) -> Tensor { eq(Tensor(other.floatValue)) }
    public func ne<S: ScalarOperand>(_ other: S) -> Tensor { ne(Tensor(other.floatValue)) }
    public func lt<S: ScalarOperand>(_ other: S) -> Tensor { lt(Tensor(other.floatValue)) }
    public func le<S: ScalarOperand>(_ other: S) -> Tensor { le(Tensor(other.floatValue)) }
    public func gt<S: ScalarOperand>(_ other: S) -> Tensor { gt(Tensor(other.floatValue)) }
    public func ge<S: ScalarOperand>(_ other: S) -> Tensor { ge(Tensor(other.floatValue)) }

    public static func .== <S: ScalarOperand>(lhs: Tensor, rhs: S) -> Tensor { lhs.eq(rhs) }
    public static func .!= <S: ScalarOperand>(lhs: Tensor, rhs: S) -> Tensor { lhs.ne(rhs) }
    public static func .< <S: ScalarOperand>(lhs: Tensor, rhs: S) -> Tensor { lhs.lt(rhs) }
    public static func .<= <S: ScalarOperand>(lhs: Tensor, rhs: S) -> Tensor { lhs.le(rhs) }
    public static func .> <S: ScalarOperand>(lhs: Tensor, rhs: S) -> Tensor { lhs.gt(rhs) }
    public static func .>= <S: ScalarOperand>(lhs: Tensor, rhs: S) -> Tensor { lhs.ge(rhs) }

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

/// A Swift number that can stand for a tensor operand (`x.gt(threshold)`): the float and
/// integer types, used as float32.
public protocol ScalarOperand {
    /// The value as float32.
    var floatValue: Float { get }
}

extension Float: ScalarOperand { public var floatValue: Float { self } }
extension Double: ScalarOperand { public var floatValue: Float { Float(self) } }
extension Int: ScalarOperand { public var floatValue: Float { Float(self) } }
extension Int32: ScalarOperand { public var floatValue: Float { Float(self) } }
extension Int64: ScalarOperand { public var floatValue: Float { Float(self) } }
