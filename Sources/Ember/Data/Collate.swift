// `DataLoader`'s default collation (`torch.utils.data.default_collate`): tensors are
// stacked along a new first dimension and Int labels become an int64 tensor. Custom
// `collate` closures can call these to batch part of a sample the standard way.

/// Stacks equally shaped samples into one batch tensor.
public func defaultCollate(_ samples: [Tensor]) -> Tensor {
    Tensor.stack(samples)
}

/// Labels as an int64 tensor of shape `[samples.count]`.
public func defaultCollate(_ samples: [Int]) -> Tensor {
    Tensor(shape: [samples.count], scalars: samples.map(Int64.init))
}

/// `(input, target)` pairs: both stacked.
public func defaultCollate(_ samples: [(Tensor, Tensor)]) -> (Tensor, Tensor) {
    (defaultCollate(samples.map(\.0)), defaultCollate(samples.map(\.1)))
}

/// `(input, label)` pairs: inputs stacked, labels as int64.
public func defaultCollate(_ samples: [(Tensor, Int)]) -> (Tensor, Tensor) {
    (defaultCollate(samples.map(\.0)), defaultCollate(samples.map(\.1)))
}

/// Samples that are arrays of tensors (`TensorDataset`): each position stacked.
public func defaultCollate(_ samples: [[Tensor]]) -> [Tensor] {
    let width = samples[0].count
    precondition(
        samples.allSatisfy { $0.count == width },
        "defaultCollate: each element in list of batch should be of equal size, got sizes \(samples.map(\.count))")
    return (0..<width).map { position in defaultCollate(samples.map { $0[position] }) }
}
