import Ember

/// The Fréchet distance between two sets of feature vectors, each summarised by its mean
/// and covariance as a Gaussian — FID's formula (Heusel et al., 2017):
/// `|μ₁ − μ₂|² + Tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½)`, with covariances normalised by N − 1 as
/// `numpy.cov` does. `a` and `b` are `[N, D]` (N may differ); computed in double precision.
///
/// `Tr (Σ₁ Σ₂)^½` is the sum of the square roots of the eigenvalues of the symmetric
/// `Σ₁^½ Σ₂ Σ₁^½`, which has the same spectrum, so only symmetric eigenproblems are solved
/// (cyclic Jacobi rotations, exact to rounding for the few hundred dimensions features have).
public func frechetDistance(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.ndim == 2 && b.ndim == 2 && a.shape[1] == b.shape[1] && a.shape[0] > 1 && b.shape[0] > 1,
                 "frechetDistance: expected [N, D] feature sets with the same D and N > 1, got \(a.shape) and \(b.shape)")
    let (meanA, covA) = moments(a), (meanB, covB) = moments(b)
    let d = meanA.count
    let rootA = SymmetricMatrix(covA, size: d).mapEigenvalues { $0.squareRoot() }
    let product = rootA.times(SymmetricMatrix(covB, size: d)).times(rootA)
    let traceOfRoot = SymmetricMatrix(symmetrising: product, size: d).eigenvalues().reduce(0) { $0 + max($1, 0).squareRoot() }
    let meanTerm = zip(meanA, meanB).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let traces = (0..<d).reduce(0) { $0 + covA[$1 * d + $1] + covB[$1 * d + $1] }
    return meanTerm + traces - 2 * traceOfRoot
}

/// Each column's mean and the `[D, D]` covariance (N − 1 normalisation), row-major.
private func moments(_ x: Tensor) -> (mean: [Double], covariance: [Double]) {
    let (n, d) = (x.shape[0], x.shape[1])
    let values = x.contiguous().to(.float32).toArray().map(Double.init)
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += values[i * d + j] } }
    for j in 0..<d { mean[j] /= Double(n) }
    var covariance = [Double](repeating: 0, count: d * d)
    var centred = [Double](repeating: 0, count: d)
    for i in 0..<n {
        for j in 0..<d { centred[j] = values[i * d + j] - mean[j] }
        for j in 0..<d where centred[j] != 0 {
            let cj = centred[j]
            for k in j..<d { covariance[j * d + k] += cj * centred[k] }
        }
    }
    for j in 0..<d {
        for k in j..<d {
            covariance[j * d + k] /= Double(n - 1)
            covariance[k * d + j] = covariance[j * d + k]
        }
    }
    return (mean, covariance)
}

/// A dense symmetric matrix, row-major, with the eigen-decomposition FID needs.
struct SymmetricMatrix {
    var values: [Double]
    let size: Int

    init(_ values: [Double], size: Int) {
        self.values = values
        self.size = size
    }

    /// `(m + mᵀ) / 2` of a matrix symmetric up to rounding.
    init(symmetrising m: SymmetricMatrix, size: Int) {
        var values = m.values
        for i in 0..<size {
            for j in 0..<i {
                values[i * size + j] = (m.values[i * size + j] + m.values[j * size + i]) / 2
                values[j * size + i] = values[i * size + j]
            }
        }
        self.init(values, size: size)
    }

    func times(_ other: SymmetricMatrix) -> SymmetricMatrix {
        let n = size
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n where values[i * n + k] != 0 {
                let a = values[i * n + k]
                for j in 0..<n { result[i * n + j] += a * other.values[k * n + j] }
            }
        }
        return SymmetricMatrix(result, size: n)
    }

    func eigenvalues() -> [Double] { eigen().values }

    /// `V f(Λ) Vᵀ` for `self = V Λ Vᵀ`; negative rounding noise in Λ is clamped to 0.
    func mapEigenvalues(_ f: (Double) -> Double) -> SymmetricMatrix {
        let (lambda, vectors) = eigen()
        let n = size
        let mapped = lambda.map { f(max($0, 0)) }
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var sum = 0.0
                for k in 0..<n { sum += vectors[i * n + k] * mapped[k] * vectors[j * n + k] }
                result[i * n + j] = sum
                result[j * n + i] = sum
            }
        }
        return SymmetricMatrix(result, size: n)
    }

    /// Eigenvalues and eigenvectors (columns of the row-major `vectors`) by cyclic Jacobi
    /// rotations, swept until the off-diagonal part is negligible against the diagonal.
    func eigen() -> (values: [Double], vectors: [Double]) {
        let n = size
        var a = values
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0, diagonal = 0.0
            for i in 0..<n {
                diagonal += a[i * n + i] * a[i * n + i]
                for j in (i + 1)..<n { off += a[i * n + j] * a[i * n + j] }
            }
            if off <= 1e-30 * max(diagonal, 1e-300) { break }
            for p in 0..<n {
                for q in (p + 1)..<n where a[p * n + q] != 0 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {   // columns p and q
                        let (akp, akq) = (a[k * n + p], a[k * n + q])
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {   // rows p and q
                        let (apk, aqk) = (a[p * n + k], a[q * n + k])
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let (vkp, vkq) = (v[k * n + p], v[k * n + q])
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<n).map { a[$0 * n + $0] }, v)
    }
}
