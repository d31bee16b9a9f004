import CEmberKernels
import Foundation

/// `+ - * /`, `pow`, `maximum`/`minimum`: tensor–tensor with broadcasting and tensor–scalar.
/// Each op's backward reduces the gradient back to each input's shape.
extension Tensor {
    // MARK: Tensor–tensor

    /// Elementwise sum with broadcasting (`torch.add`).
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let out = BinaryKernels.apply(EMBER_BINARY_ADD, lhs, rhs, name: "add")
        let (sa, sb) = (lhs.shape, rhs.shape)
        return record("AddBackward", output: out, inputs: [lhs, rhs]) { g in
            [g.sumToShape(sa), g.sumToShape(sb)]
        }
    }

    /// Elementwise difference with broadcasting (`torch.sub`).
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        let out = BinaryKernels.apply(EMBER_BINARY_SUB, lhs, rhs, name: "sub")
        let (sa, sb) = (lhs.shape, rhs.shape)
        let needB = rhs.requiresGrad
        return record("SubBackward", output: out, inputs: [lhs, rhs]) { g in
            [g.sumToShape(sa), needB ? (-g).sumToShape(sb) : nil]
        }
    }

    /// Elementwise product with broadcasting (`torch.mul`); the matrix product is `matmul(_:)`.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let out = BinaryKernels.apply(EMBER_BINARY_MUL, lhs, rhs, name: "mul")
        let (needA, needB) = (lhs.requiresGrad, rhs.requiresGrad)
        return record("MulBackward", output: out, inputs: [lhs, rhs]) { g in
            [needA ? (g * rhs).sumToShape(lhs.shape) : nil,
             needB ? (g * lhs).sumToShape(rhs.shape) : nil]
        }
    }

    /// Elementwise quotient with broadcasting (`torch.div`).
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        let out = BinaryKernels.apply(EMBER_BINARY_DIV, lhs, rhs, name: "div")
        let (needA, needB) = (lhs.requiresGrad, rhs.requiresGrad)
        let result = out.detach()  // saved without its graph node, which would be a cycle
        return record("DivBackward", output: out, inputs: [lhs, rhs]) { g in
            [needA ? (g / rhs).sumToShape(lhs.shape) : nil,
             needB ? (-g * result / rhs).sumToShape(rhs.shape) : nil]
        }
    }

    /// Elementwise power with a tensor exponent (`torch.pow`).
    public func pow(_ exponent: Tensor) -> Tensor {
        if exponent.numel == 1 && !exponent.requiresGrad && exponent.ndim <= ndim {
            return pow(exponent.to(.float32).contiguous().floatPointer.pointee)
        }
        let out = BinaryKernels.apply(EMBER_BINARY_POW, self, exponent, name: "pow")
        let (needA, needB) = (requiresGrad, exponent.requiresGrad)
        let result = out.detach()
        return Tensor.record("PowBackward", output: out, inputs: [self, exponent]) { g in
            let base = self.detach(), e = exponent.detach()
            // A zero exponent has a zero gradient, even at a zero base (not 0 * inf).
            let gradBase = needA
                ? (g * e * base.pow(e - 1)).maskedFill(e.eq(0), 0).sumToShape(base.shape) : nil
            // d/de a^e = a^e ln a, taken as 0 where a == 0 (PyTorch's convention).
            let gradExponent = needB
                ? (g * result * base.log()).maskedFill(base.eq(0), 0).sumToShape(e.shape) : nil
            return [gradBase, gradExponent]
        }
    }

    /// Elementwise power with a scalar exponent (`x.pow(2)`, `x ** 0.5`).
    public func pow<S: BinaryFloatingPoint>(_ exponent: S) -> Tensor {
        let e = Float(exponent)
        let out = BinaryKernels.apply(EMBER_BINARY_POW, self, scalar: e)
        return Tensor.record("PowBackward", output: out, inputs: [self]) { g in
            if e == 0 { return [Tensor.zerosLike(g)] }
            if e == 2 { return [g * self.detach() * 2] }
            return [g * self.detach().pow(e - 1) * e]
        }
    }

    /// A scalar raised to each element of `exponent` (`torch.pow(2, x)`, Python's `2 ** x`).
    /// Where the base is 0 and the exponent non-negative the gradient is 0, as in PyTorch.
    public static func pow(_ base: Float, _ exponent: Tensor) -> Tensor {
        let out = BinaryKernels.apply(EMBER_BINARY_POW, scalar: base, exponent)
        let result = out.detach()
        return record("PowBackward", output: out, inputs: [exponent]) { g in
            let gradient = g * result * Foundation.log(base)
            return [base == 0 ? gradient.maskedFill(exponent.detach().ge(0), 0) : gradient]
        }
    }

    /// Elementwise maximum with NaN propagation (`torch.maximum`); ties split the gradient.
    public func maximum(_ other: Tensor) -> Tensor {
        extremum(other, EMBER_BINARY_MAX, name: "MaximumBackward")
    }

    /// Elementwise minimum (`torch.minimum`); ties split the gradient.
    public func minimum(_ other: Tensor) -> Tensor {
        extremum(other, EMBER_BINARY_MIN, name: "MinimumBackward")
    }

    private func extremum(_ other: Tensor, _ op: ember_binary_op, name: String) -> Tensor {
        let out = BinaryKernels.apply(op, self, other, name: name)
        return Tensor.record(name, output: out, inputs: [self, other]) { g in
            let a = self.detach(), b = other.detach()
            let ties = a.eq(b)
            let shared = Tensor.where(ties, g / 2, g)
            let aWins = op == EMBER_BINARY_MAX ? a.gt(b) : a.lt(b)
            let bWins = op == EMBER_BINARY_MAX ? a.lt(b) : a.gt(b)
            return [shared.maskedFill(bWins, 0).sumToShape(a.shape),
                    shared.maskedFill(aWins, 0).sumToShape(b.shape)]
        }
    }

    // MARK: Tensor–scalar

    /// `rhs` added to every element (`x + 1`).
    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        record("AddBackward", output: BinaryKernels.apply(EMBER_BINARY_ADD, lhs, scalar: rhs), inputs: [lhs]) { g in [g] }
    }

    /// `lhs` added to every element (`1 + x`).
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs + lhs }

    /// `rhs` subtracted from every element (`x - 1`).
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs + (-rhs) }

    /// Every element subtracted from `lhs` (`1 - x`, `torch.rsub`).
    public static func - (lhs: Float, rhs: Tensor) -> Tensor {
        record("RsubBackward", output: BinaryKernels.apply(EMBER_BINARY_SUB, scalar: lhs, rhs), inputs: [rhs]) { g in [-g] }
    }

    /// Every element times `rhs` (`x * 2`).
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        record("MulBackward", output: BinaryKernels.apply(EMBER_BINARY_MUL, lhs, scalar: rhs), inputs: [lhs]) { g in [g * rhs] }
    }

    /// Every element times `lhs` (`2 * x`).
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }

    /// Every element divided by `rhs` (`x / 2`).
    public static func / (lhs: Tensor, rhs: Float) -> Tensor {
        record("DivBackward", output: BinaryKernels.apply(EMBER_BINARY_DIV, lhs, scalar: rhs), inputs: [lhs]) { g in [g / rhs] }
    }

    /// `lhs` divided by every element (`1 / x`).
    public static func / (lhs: Float, rhs: Tensor) -> Tensor {
        let out = BinaryKernels.apply(EMBER_BINARY_DIV, scalar: lhs, rhs)
        let result = out.detach()
        return record("DivBackward", output: out, inputs: [rhs]) { g in [-g * result / rhs.detach()] }
    }

    /// The negation `-x` (`neg()`).
    public static prefix func - (x: Tensor) -> Tensor { x.neg() }
}
