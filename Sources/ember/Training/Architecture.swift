import EmberVision

/// The models the CLI trains, by the name stored in their checkpoints, so `ember evaluate`
/// can rebuild any of them.
enum Architecture: String, CaseIterable {
    case mlpSimple = "mlp-simple"
    case mlpActivation = "mlp-activation"
    case mlpBatchnorm = "mlp-batchnorm"
    case cnn = "cnn"

    init(mlp: TutorialMLP) {
        self.init(rawValue: "mlp-\(mlp.rawValue)")!
    }

    /// The tutorial's class name.
    var title: String {
        switch self {
        case .mlpSimple: TutorialMLP.simple.title
        case .mlpActivation: TutorialMLP.activation.title
        case .mlpBatchnorm: TutorialMLP.batchnorm.title
        case .cnn: "SimpleCNN"
        }
    }

    func make() -> Module {
        switch self {
        case .mlpSimple: TutorialMLP.simple.make()
        case .mlpActivation: TutorialMLP.activation.make()
        case .mlpBatchnorm: TutorialMLP.batchnorm.make()
        case .cnn: SimpleCNN(inChannels: 1, imageSize: 28)
        }
    }

    /// Shapes a batch of [N, 1, 28, 28] images for the model: MLPs take flat vectors.
    func prepare(_ images: Tensor) -> Tensor {
        self == .cnn ? images : images.view(images.shape[0], -1)
    }
}
