import Ember
import Foundation

/// One train/test pass over a classification data set: the tutorial's loop with train and
/// evaluation phases, reporting loss and accuracy with a live progress bar.
struct ClassifierTrainer {
    let model: Module
    let optimizer: Optimizer
    let lossFunction = CrossEntropyLoss()
    /// Shapes a batch of images into what the model takes (the MLPs flatten them).
    let prepare: (Tensor) -> Tensor

    struct PhaseResult {
        var loss: Double
        var accuracy: Double
    }

    /// Trains for one epoch over `batches`; a sample that cannot be read ends the epoch
    /// with its error (the caller's last checkpoint stays as it was).
    func train<D: Dataset>(_ batches: DataLoader<D, (Tensor, Tensor)>, count: Int, label: String) throws -> PhaseResult {
        model.train()
        return try run(batches, count: count, label: label) { images, labels in
            let output = model(prepare(images))
            let loss = lossFunction(output, labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            return (output.detach(), loss.item())
        }
    }

    /// Evaluates without recording gradients; `record` sees each batch's labels and
    /// predictions (for a confusion matrix).
    func evaluate<D: Dataset>(
        _ batches: DataLoader<D, (Tensor, Tensor)>, count: Int, label: String, record: ((Tensor, Tensor) -> Void)? = nil
    ) throws -> PhaseResult {
        model.eval()
        return try withNoGrad {
            try run(batches, count: count, label: label) { images, labels in
                let output = model(prepare(images))
                record?(labels, output.argmax(dim: 1))
                return (output, lossFunction(output, labels).item())
            }
        }
    }

    private func run<D: Dataset>(
        _ batches: DataLoader<D, (Tensor, Tensor)>, count: Int, label: String,
        step: (Tensor, Tensor) -> (output: Tensor, loss: Float)
    ) throws -> PhaseResult {
        let progress = ProgressBar(label: label, total: count)
        var lossSum = 0.0, correct = 0, seen = 0, done = 0
        try batches.forEachBatch { images, labels in
            let (output, loss) = step(images, labels)
            let n = labels.shape[0]
            lossSum += Double(loss) * Double(n)
            correct += Int(output.argmax(dim: 1).eq(labels).sum().item())
            seen += n
            done += 1
            progress.update(done: done, samples: seen, loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen))
        }
        progress.finish()
        return PhaseResult(loss: lossSum / Double(max(seen, 1)), accuracy: Double(correct) / Double(max(seen, 1)))
    }
}
