import Ember

/// The tutorial's `autoencoder` (part 4): flattened 28×28 images squeezed through a 3-D
/// code and back, `784 → 128 → 64 → 12 → 3` with ReLU between the layers, then
/// `3 → 12 → 64 → 128 → 784` with ReLU between and Tanh last, for images normalised to
/// `[-1, 1]`. Its state-dict keys are PyTorch's (`encoder.0.weight`, …, `decoder.6.bias`).
///
/// ```swift
/// let model = Autoencoder()
/// let optimizer = Adam(model.parameters(), lr: 1e-3, weightDecay: 1e-5)
/// let loss = model.trainStep(images.view(-1, 784), optimizer: optimizer)
/// let (code, reconstruction) = model(images.view(-1, 784))
/// ```
public final class Autoencoder: Module {
    /// `Linear` layers `784 → 128 → 64 → 12 → 3` with ReLU between them.
    public let encoder: Sequential
    /// `Linear` layers `3 → 12 → 64 → 128 → 784` with ReLU between them and Tanh last.
    public let decoder: Sequential

    /// A freshly initialised autoencoder (PyTorch's default `Linear` initialisation).
    public override init() {
        encoder = Sequential {
            Linear(28 * 28, 128); ReLU(inplace: true)
            Linear(128, 64); ReLU(inplace: true)
            Linear(64, 12); ReLU(inplace: true)
            Linear(12, 3)
        }
        decoder = Sequential {
            Linear(3, 12); ReLU(inplace: true)
            Linear(12, 64); ReLU(inplace: true)
            Linear(64, 128); ReLU(inplace: true)
            Linear(128, 28 * 28); Tanh()
        }
        super.init()
    }

    /// The reconstruction of flattened images `[N, 784]`; `forwardWithCode(_:)` also gives
    /// the codes.
    public override func forward(_ x: Tensor) -> Tensor { forwardWithCode(x).reconstruction }

    /// The codes `[N, 3]` and reconstructions `[N, 784]`, as the tutorial's `forward`
    /// returns `encode, decode`, wherever the result is used as a pair:
    /// `let (code, reconstruction) = model(x)`.
    @_disfavoredOverload
    public func callAsFunction(_ x: Tensor) -> (code: Tensor, reconstruction: Tensor) { forwardWithCode(x) }

    /// The codes `[N, 3]` and reconstructions `[N, 784]` of flattened images `[N, 784]`.
    public func forwardWithCode(_ x: Tensor) -> (code: Tensor, reconstruction: Tensor) {
        let code = encoder(x)
        return (code, decoder(code))
    }

    /// One training step of the tutorial's loop: the mean squared error of the
    /// reconstruction against `x`, backward, and one step of `optimizer` (whose gradients
    /// it clears first). Returns the loss.
    @discardableResult
    public func trainStep(_ x: Tensor, optimizer: Optimizer) -> Tensor {
        let loss = mseLoss(forward(x), x)
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        return loss
    }
}
