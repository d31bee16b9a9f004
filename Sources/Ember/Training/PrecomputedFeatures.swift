/// Runs the frozen part of a network once over a data set and keeps what it computes (the
/// tutorial's part 3 §8, pre-convoluted features): the head then trains on these tensors
/// without running the backbone again, each epoch a fraction of the time.
///
/// ```swift
/// let backbone = Sequential(Array(model.children().dropLast()))   // all but the head
/// let train = try precomputeFeatures(backbone, DataLoader(trainSet, batchSize: 64))
/// try SafeTensors.save(["features": train.tensors[0], "labels": train.tensors[1]], to: url)
/// try ClassifierTrainer(model: head, optimizer: SGD(head.parameters(), lr: 0.001))
///     .fit(train: DataLoader(train, batchSize: 64, shuffle: true), valid: ..., epochs: 15)
/// ```
///
/// `extractor` runs in evaluation mode (batch norm uses its stored statistics, dropout is
/// off) without recording gradients; it is left in evaluation mode. The result holds the
/// features of every sample in the loader's order (load without shuffling to keep the data
/// set's order) and the labels as int64, so training the head on it with the same
/// shuffling gives the head the same batches as training it behind the frozen extractor.
/// - Throws: the first error reading a sample gave.
public func precomputeFeatures<D: Dataset, Batch>(_ extractor: Module, _ loader: DataLoader<D, Batch>) throws -> TensorDataset {
    extractor.eval()
    var features: [Tensor] = [], labels: [Tensor] = []
    try withNoGrad {
        try loader.forEachBatch { batch in
            let (inputs, targets) = inputsAndLabels(batch)
            features.append(extractor(inputs))
            labels.append(targets)
        }
    }
    precondition(!features.isEmpty, "precomputeFeatures: the loader yielded no batch")
    return TensorDataset(Tensor.cat(features, dim: 0), Tensor.cat(labels, dim: 0))
}
