/// A lookup table of `numEmbeddings` vectors of size `embeddingDim` (`nn.Embedding`):
/// int64 indices of any shape in, `indices.shape + [embeddingDim]` out.
///
/// `weight` starts as N(0, 1), PyTorch's default, with the `paddingIdx` row zeroed; that
/// row never receives a gradient. See `embedding(_:weight:paddingIdx:maxNorm:normType:)`.
public final class Embedding: Module {
    /// The number of rows in the table.
    public let numEmbeddings: Int
    /// The size of each vector.
    public let embeddingDim: Int
    /// The row that stays fixed (and starts at zero), if any; stored non-negative.
    public let paddingIdx: Int?
    /// Rows looked up with a larger norm are renormalised to this norm first.
    public let maxNorm: Float?
    /// The p of the norm `maxNorm` bounds.
    public let normType: Float
    /// `[numEmbeddings, embeddingDim]`.
    @Parameter public var weight: Tensor

    /// A table with PyTorch's arguments and initialisation.
    public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil, maxNorm: Float? = nil, normType: Float = 2) {
        precondition(numEmbeddings >= 0 && embeddingDim >= 0, "Embedding: sizes must be non-negative, got \(numEmbeddings) and \(embeddingDim)")
        let padding = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        if let padding {
            precondition(padding >= 0 && padding < numEmbeddings, "Embedding: padding_idx must be within num_embeddings")
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = padding
        self.maxNorm = maxNorm
        self.normType = normType
        let weight = Init.normal(Tensor.empty([numEmbeddings, embeddingDim]))
        if let padding { withNoGrad { weight.select(dim: 0, index: padding).zero() } }
        self.weight = weight
        super.init()
    }

    /// The rows of `weight` at the int64 indices `input`: shape `input.shape + [embeddingDim]`.
    public override func forward(_ input: Tensor) -> Tensor {
        embedding(input, weight: weight, paddingIdx: paddingIdx, maxNorm: maxNorm, normType: normType)
    }

    /// `10, 3, padding_idx=0`, as PyTorch prints it.
    public override var extraRepr: String {
        var parts = ["\(numEmbeddings), \(embeddingDim)"]
        if let paddingIdx { parts.append("padding_idx=\(paddingIdx)") }
        if let maxNorm { parts.append("max_norm=\(maxNorm)") }
        if normType != 2 { parts.append("norm_type=\(normType)") }
        return parts.joined(separator: ", ")
    }
}
