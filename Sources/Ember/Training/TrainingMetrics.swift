/// A phase of a training epoch, named as in the tutorial's `train_model` (`'train'`, `'val'`).
public enum TrainingPhase: String, Sendable, CaseIterable {
    /// Gradients on, the optimizer steps, dropout and batch norm in training mode.
    case train
    /// No gradients, evaluation mode: the validation (or test) split.
    case valid = "val"
}

/// What one phase of an epoch measured: the mean loss and the accuracy over every sample
/// (`running_loss / dataset_size`, `running_corrects / dataset_size`).
public struct PhaseMetrics: Sendable, Equatable {
    /// The criterion's value averaged over samples (each batch weighted by its size).
    public var loss: Double
    /// The share of samples whose arg-max prediction equals the label, in 0...1.
    public var accuracy: Double
    /// Samples seen.
    public var samples: Int
    /// Wall time of the phase, data loading included.
    public var seconds: Double

    /// Metrics as measured.
    public init(loss: Double, accuracy: Double, samples: Int, seconds: Double) {
        self.loss = loss
        self.accuracy = accuracy
        self.samples = samples
        self.seconds = seconds
    }
}

/// One epoch: both phases and the learning rate its train phase used.
public struct EpochMetrics: Sendable, Equatable {
    /// The epoch's number, from 1.
    public var epoch: Int
    /// The train phase.
    public var train: PhaseMetrics
    /// The validation phase, after the scheduler's step.
    public var valid: PhaseMetrics
    /// The first parameter group's learning rate during the train phase.
    public var learningRate: Double

    /// Metrics as measured.
    public init(epoch: Int, train: PhaseMetrics, valid: PhaseMetrics, learningRate: Double) {
        self.epoch = epoch
        self.train = train
        self.valid = valid
        self.learningRate = learningRate
    }

    /// Both phases' wall time.
    public var seconds: Double { train.seconds + valid.seconds }
}

/// The running figures of a phase after each batch, for progress displays.
public struct BatchProgress: Sendable {
    /// The phase running.
    public var phase: TrainingPhase
    /// Batches done, and in the whole phase.
    public var batch: Int, batches: Int
    /// Samples seen so far.
    public var samples: Int
    /// Mean loss and accuracy so far.
    public var loss: Double, accuracy: Double
}
