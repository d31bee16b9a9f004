import ArgumentParser
import Ember
import EmberDistributed
import Foundation

/// `--distributed`, for the classifier commands (`ember train mlp|cnn|images`).
struct DistributedOption: ParsableArguments {
    @Flag(help: "Run as one rank of `mpirun -np N ember train ...`: each rank trains on its shard with --batch-size samples per batch; rank 0 prints and writes the run folder.")
    var distributed = false
}

/// `--distributed`: this process is one rank of an `mpirun` job. Each rank trains on its
/// shard of the training set (a `DistributedSampler`, reshuffled per epoch) with the
/// per-rank `--batch-size`, the model wrapped in `DistributedDataParallel`; each rank
/// validates its own part of the validation set and the figures are summed over ranks,
/// so every rank records the metrics of the whole set. Rank 0 alone prints and writes the
/// run folder; the others' standard output goes to /dev/null (errors still show).
struct DistributedTraining {
    let rank: Int
    let worldSize: Int

    /// Joins the job when `--distributed` is given; nil otherwise. Without `--threads`,
    /// each rank takes an equal share of the cores among the ranks on its machine.
    static func start(_ option: DistributedOption, _ options: TrainingOptions) throws -> DistributedTraining? {
        guard option.distributed else { return nil }
        try Distributed.initialize()
        if options.threads == nil {
            let local = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
            setNumThreads(max(1, ProcessInfo.processInfo.activeProcessorCount / max(local, 1)))
        }
        if Distributed.rank != 0 {
            let null = open("/dev/null", O_WRONLY)
            dup2(null, STDOUT_FILENO)
            close(null)
        }
        return DistributedTraining(rank: Distributed.rank, worldSize: Distributed.worldSize)
    }

    /// Leaves the job (after the last collective of the run).
    func finish() throws {
        try Distributed.barrier()
        try Distributed.finalize()
    }

    /// Whether this rank prints and writes files.
    var isPrimary: Bool { rank == 0 }

    /// `model` wrapped for data-parallel training (rank 0's weights everywhere), and
    /// `trainer`-ready: pass the result to `ClassifierTrainer`, then `reduceMetrics(of:)`.
    func wrap(_ model: Module) throws -> Module {
        try DistributedDataParallel(model)
    }

    /// Makes `trainer` record the figures of all ranks together.
    func reduceMetrics(of trainer: ClassifierTrainer) {
        trainer.reducePhase = { try self.reduce($0) }
    }

    /// This rank's shard of the training set, shuffled with `seed` and the epoch.
    func trainSampler<D: Dataset>(_ dataset: D, seed: UInt64) -> DistributedSampler {
        DistributedSampler(dataset, numReplicas: worldSize, rank: rank, seed: seed)
    }

    /// This rank's part of a validation set: every `worldSize`-th sample from `rank`,
    /// without PyTorch's padding, so the summed figures count each sample once.
    func validIndices(count: Int) -> [Int] {
        Array(stride(from: rank, to: count, by: worldSize))
    }

    /// A phase's figures summed over the ranks: loss and accuracy weighted by each rank's
    /// samples, the slowest rank's time.
    func reduce(_ metrics: PhaseMetrics) throws -> PhaseMetrics {
        let n = Float(metrics.samples)
        let sums = Tensor([Float(metrics.loss) * n, Float(metrics.accuracy) * n, n])
        try Distributed.allReduce(sums)
        let seconds = Tensor([Float(metrics.seconds)])
        try Distributed.allReduce(seconds, op: .max)
        let total = sums.toArray()
        let samples = max(total[2], 1)
        return PhaseMetrics(loss: Double(total[0] / samples), accuracy: Double(total[1] / samples),
                            samples: Int(total[2]), seconds: Double(seconds.item()))
    }

    /// The header's description of the batch: per rank and in all.
    func describe(batchSize: Int) -> String {
        "\(batchSize) per rank × \(worldSize) ranks"
    }
}
