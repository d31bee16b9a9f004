// One epoch of the tutorial's SimpleCNN on Fashion-MNIST (60 000 images, batch 64 in all,
// SGD lr 0.01 momentum 0.9), either in one process with --threads threads, or under
// mpirun as N ranks with batch 64/N each (DistributedDataParallel, DistributedSampler):
//
//   EmberDistributedBench --threads 2
//   mpirun -np 2 --bind-to core EmberDistributedBench --threads 1
//
// Prints the epoch's time and, for ranks, how long backward waited for gradient averages
// (communication not hidden by computation) against what the same averages cost when
// nothing else runs (all of it exposed), measured right after the epoch.
import Ember
import EmberDistributed
import EmberVision
import Foundation

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let value = Int(arguments[i + 1]) else { return fallback }
    return value
}
let threads = option("--threads", 1)
let batches = option("--batches", Int.max)
let distributed = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil
setNumThreads(threads)
if distributed { try Distributed.initialize() }
let world = Distributed.worldSize
let rank = Distributed.rank
let batchSize = 64 / world

let transform = Compose<Image, Tensor>([ToTensor(), Normalize(mean: [0.5], std: [0.5])])
let train = try FashionMNIST(root: FashionMNIST.debianRoot, train: true, transform: transform)
manualSeed(0)
let plain = SimpleCNN(inChannels: 1, imageSize: 28, classes: 10)
let ddp = distributed ? try DistributedDataParallel(plain) : nil
let model: Module = ddp ?? plain
let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
let sampler = distributed ? DistributedSampler(train, numReplicas: world, rank: rank, seed: 0) : nil
let loader = DataLoader(train, batchSize: batchSize, shuffle: sampler == nil, sampler: sampler)

if distributed { try Distributed.barrier() }
let clock = ContinuousClock()
let start = clock.now
var steps = 0
for (images, labels) in loader {
    optimizer.zeroGrad()
    crossEntropy(model(images), labels).backward()
    optimizer.step()
    steps += 1
    if steps == batches { break }
}
if distributed { try Distributed.barrier() }
let epoch = (clock.now - start) / .seconds(1)

func seconds(_ d: Duration) -> Double { d / .seconds(1) }
if let ddp {
    // The same bucket averages again, blocking, with nothing to overlap them with.
    let buckets = ddp.bucketIndices.map { indices in Tensor.zeros([indices.map { plain.parameters()[$0].numel }.reduce(0, +)]) }
    try Distributed.barrier()
    let exposedStart = clock.now
    for _ in 0..<steps {
        for bucket in buckets { try Distributed.allReduce(bucket, op: .average) }
    }
    let exposed = seconds(clock.now - exposedStart)
    let waited = seconds(ddp.communicationWaitTime)
    let totals = Tensor([Float(waited), Float(exposed)])
    try Distributed.allReduce(totals, op: .max)
    if rank == 0 {
        let (w, e) = (Double(totals.toArray()[0]), Double(totals.toArray()[1]))
        print(String(format: "ranks %d x threads %d: epoch %.1f s (%d steps of %d per rank, %.0f samples/s); backward waited %.2f s for averages that take %.2f s alone: %.0f%% of communication hidden, %.1f%% of the epoch exposed",
                     world, threads, epoch, steps, batchSize, Double(steps * 64) / epoch, w, e, e > 0 ? 100 * (1 - w / e) : 0, 100 * w / epoch))
    }
    try Distributed.finalize()
} else {
    print(String(format: "1 process x threads %d: epoch %.1f s (%d steps of %d, %.0f samples/s)",
                 threads, epoch, steps, batchSize, Double(steps * 64) / epoch))
}
