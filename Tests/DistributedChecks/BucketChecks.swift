import Ember
import EmberDistributed
import EmberVision
import Foundation

/// DistributedDataParallel's buckets against PyTorch's, iteration by iteration
/// (`Tests/Fixtures/ddp_buckets.txt`, from `generate_ddp_buckets.py`), and unused
/// parameters found by walking the graph (`findUnusedParameters`).
enum BucketChecks {
    /// `head` registered before `body` but applied after it; `unused` never takes part.
    final class Swapped: Module {
        let head = Linear(64, 10)
        let body = Linear(784, 64)
        let unused: Linear?

        init(withUnused: Bool) {
            unused = withUnused ? Linear(3, 3) : nil
        }

        override func forward(_ x: Tensor) -> Tensor {
            head(body(x.view(x.shape[0], -1)).relu())
        }
    }

    /// The cases of `generate_ddp_buckets.py`: name, model, `bucketCapMB`, `findUnusedParameters`.
    static var cases: [(name: String, make: () -> Module, capMB: Double?, findUnused: Bool)] { [
        ("simplecnn-default", { SimpleCNN(inChannels: 1, imageSize: 28, classes: 10) }, nil, false),
        ("simplecnn-cap0.1", { SimpleCNN(inChannels: 1, imageSize: 28, classes: 10) }, 0.1, false),
        ("swapped-cap0.002", { Swapped(withUnused: false) }, 0.002, false),
        ("swapped-unused-default", { Swapped(withUnused: true) }, nil, true),
        ("swapped-unused-cap0.05", { Swapped(withUnused: true) }, 0.05, true),
    ] }

    /// Three SGD steps per case, recording the buckets each backward reduces and, at the
    /// end, the parameters without a gradient, in the fixture's format.
    static func againstPyTorch() throws -> Bool {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/ddp_buckets.txt")
        let expected = try String(contentsOf: fixture, encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        var lines: [String] = []
        manualSeed(0)
        for (name, make, capMB, findUnused) in cases {
            let model = make()
            let names = model.namedParameters().map(\.name)
            let ddp = try DistributedDataParallel(model, bucketCapMB: capMB, findUnusedParameters: findUnused)
            let optimizer = SGD(ddp.parameters(), lr: 0.1)
            for iteration in 1...3 {
                optimizer.zeroGrad()
                let output = ddp(Tensor.randn([4, 1, 28, 28]))
                let buckets = ddp.bucketIndices.map { $0.map { names[$0] }.joined(separator: ",") }
                lines.append("\(name) iteration \(iteration): \(buckets.joined(separator: " | "))")
                output.sum().backward()
                optimizer.step()
            }
            let none = zip(names, model.parameters()).filter { $0.1.grad == nil }.map(\.0)
            lines.append("\(name) grad none: \(none.joined(separator: ","))")
        }
        var ok = lines.count == expected.count
        for (mine, theirs) in zip(lines, expected)
            where mine.trimmingCharacters(in: .whitespaces) != theirs.trimmingCharacters(in: .whitespaces) {
            ok = report("buckets", false, "Ember \(mine)\n  PyTorch \(theirs)")
        }
        return report("buckets equal PyTorch's in \(cases.count) cases × 3 iterations", ok, "\(lines.count) lines")
    }

    /// `a` is used on every rank, `b` on rank 0 only, `c` never.
    final class PartlyUsed: Module {
        let a = Linear(16, 10)
        let b = Linear(16, 10)
        let c = Linear(16, 10)
        var usesB = true

        override func forward(_ x: Tensor) -> Tensor {
            let flat = x.view(x.shape[0], -1)
            return usesB ? a(flat) + b(flat) : a(flat)
        }
    }

    /// `findUnusedParameters`: five SGD-momentum steps where rank 0 alone uses `b` and
    /// nobody uses `c`, against one process accumulating every rank's loss / worldSize: `b`
    /// gets the average with the other ranks' zeros, `c` keeps no gradient.
    static func unusedParameters() throws -> Bool {
        let world = Distributed.worldSize
        let perRank = 8
        let steps = 5
        let data = DataParallelChecks.data(count: steps * perRank * world, side: 4)
        let (ddp, reference, constructed) = try DataParallelChecks.replicas({ PartlyUsed() }, findUnusedParameters: true)
        (ddp.module as! PartlyUsed).usesB = Distributed.rank == 0
        let samplers = (0..<world).map { DistributedSampler(data, numReplicas: world, rank: $0, shuffle: false) }
        let optimizer = SGD(ddp.parameters(), lr: 0.05, momentum: 0.9)
        for batch in DataLoader(data, batchSize: perRank, sampler: samplers[Distributed.rank]) {
            optimizer.zeroGrad()
            crossEntropy(ddp(batch[0]), batch[1]).backward()
            optimizer.step()
        }
        let shards = samplers.map { Array(DataLoader(data, batchSize: perRank, sampler: $0)) }
        let referenceOptimizer = SGD(reference.parameters(), lr: 0.05, momentum: 0.9)
        for step in 0..<steps {
            referenceOptimizer.zeroGrad()
            for r in 0..<world {
                reference.usesB = r == 0
                (crossEntropy(reference(shards[r][step][0]), shards[r][step][1]) / Float(world)).backward()
            }
            referenceOptimizer.step()
        }
        let module = ddp.module as! PartlyUsed
        let difference = DataParallelChecks.worst(ddp.parameters(), reference.parameters())
        let untouched = module.c.parameters().allSatisfy { $0.grad == nil }
        let identical = try identicalOnAllRanks(ddp.parameters())
        return constructed
            && report("unused parameters: weights vs one process", difference <= DataParallelChecks.tolerance,
                      "max relative difference \(difference)")
            && report("unused parameters: one no rank uses keeps no gradient", untouched)
            && report("unused parameters: weights bit-identical across ranks", identical)
    }
}
