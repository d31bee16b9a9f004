// The checks of EmberDistributed that need several processes, run by
// scripts/check-distributed under mpirun (README: "Distributed training"):
//
//   mpirun -np 2 .build/debug/DistributedChecks collectives|cnn|batchnorm|nosync|buckets|unused|dead-rank
//
// Each check prints one line per rank and exits non-zero when a comparison fails.
import Ember
import EmberDistributed
import Foundation

let mode = CommandLine.arguments.dropFirst().first ?? ""
setNumThreads(1)
do {
    try Distributed.initialize()
    let ok: Bool
    switch mode {
    case "collectives": ok = try CollectiveChecks.run()
    case "cnn": ok = try DataParallelChecks.simpleCNN()
    case "batchnorm": ok = try DataParallelChecks.batchNorm()
    case "nosync": ok = try DataParallelChecks.noSync()
    case "buckets": ok = try BucketChecks.againstPyTorch()
    case "unused": ok = try BucketChecks.unusedParameters()
    case "dead-rank": ok = try CollectiveChecks.deadRank()
    default:
        FileHandle.standardError.write(Data("usage: DistributedChecks collectives|cnn|batchnorm|nosync|buckets|unused|dead-rank\n".utf8))
        exit(2)
    }
    try Distributed.barrier()
    try Distributed.finalize()
    exit(ok ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("rank \(Distributed.rank): \(error)\n".utf8))
    exit(1)
}
