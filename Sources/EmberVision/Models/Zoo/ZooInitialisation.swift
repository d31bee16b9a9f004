import Ember

/// The shape of torchvision's weight-initialisation loops: every convolution and linear
/// layer of `model` through the given closures, and every batch norm reset to weight 1
/// and bias 0.
func initialiseWeights(of model: Module, conv: (Conv2d) -> Void = { _ in }, linear: (Linear) -> Void = { _ in }) {
    _ = model.apply { module in
        switch module {
        case let layer as Conv2d: conv(layer)
        case let layer as Linear: linear(layer)
        case let norm as BatchNorm2d:
            if let weight = norm.weight { Init.ones(weight) }
            if let bias = norm.bias { Init.zeros(bias) }
        default: break
        }
    }
}

/// He-normal (fan-out) weights and zero bias, torchvision's usual convolution start.
func heNormalFanOut(_ conv: Conv2d, nonlinearity: Init.Nonlinearity = .relu) {
    Init.kaimingNormal(conv.weight, mode: .fanOut, nonlinearity: nonlinearity)
    if let bias = conv.bias { Init.zeros(bias) }
}
