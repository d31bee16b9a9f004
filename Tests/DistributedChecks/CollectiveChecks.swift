import Ember
import EmberDistributed
import Foundation

/// Every collective and dtype against the same values computed locally for all ranks.
enum CollectiveChecks {
    /// Rank `r`'s float32 values: multiples of 1/4, so sums over ranks are exact.
    static func floats(rank r: Int, count: Int) -> [Float] {
        (0..<count).map { i in Float((i * 7 + r * 13) % 23) * 0.25 - 2.5 + Float(r) }
    }

    /// Rank `r`'s int64 values, beyond 2⁵³ so a float path would lose them.
    static func ints(rank r: Int, count: Int) -> [Int64] {
        (0..<count).map { i in (Int64(1) << 54) + Int64(i * 1_000_003) - Int64(r * 77) * Int64(i % 5) }
    }

    static func bools(rank r: Int, count: Int) -> [Bool] {
        (0..<count).map { i in (i + r) % 3 == 0 }
    }

    static func run() throws -> Bool {
        let world = Distributed.worldSize
        let rank = Distributed.rank
        let shape = [3, 5]
        let n = 15
        var ok = true
        let ranks = 0..<world

        // allReduce, float32: sum, average, max; in place and asynchronous.
        let floatSum = (0..<n).map { i in ranks.map { floats(rank: $0, count: n)[i] }.reduce(Float(0), +) }
        let floatMax = (0..<n).map { i in ranks.map { floats(rank: $0, count: n)[i] }.max()! }
        for (op, expected) in [(ReduceOp.sum, floatSum), (.average, floatSum.map { $0 / Float(world) }), (.max, floatMax)] {
            let t = Tensor(shape: shape, scalars: floats(rank: rank, count: n))
            try Distributed.allReduce(t, op: op)
            ok = report("allReduce float32 \(op)", t.toArray() == expected) && ok
            let u = Tensor(shape: shape, scalars: floats(rank: rank, count: n))
            let work = try Distributed.allReduceAsync(u, op: op)
            try work.wait()
            let done = try work.test()
            ok = report("allReduceAsync float32 \(op)", u.toArray() == expected && done) && ok
        }
        // int64: sum and max.
        let intSum = (0..<n).map { i in ranks.map { ints(rank: $0, count: n)[i] }.reduce(0, &+) }
        let intMax = (0..<n).map { i in ranks.map { ints(rank: $0, count: n)[i] }.max()! }
        for (op, expected) in [(ReduceOp.sum, intSum), (.max, intMax)] {
            let t = Tensor(shape: shape, scalars: ints(rank: rank, count: n))
            try Distributed.allReduce(t, op: op)
            ok = report("allReduce int64 \(op)", t.toArray(as: Int64.self) == expected) && ok
        }
        // bool: sum and max are the logical or.
        let anyTrue = (0..<n).map { i in ranks.contains { bools(rank: $0, count: n)[i] } }
        for op in [ReduceOp.sum, .max] {
            let t = Tensor(shape: shape, scalars: bools(rank: rank, count: n))
            try Distributed.allReduce(t, op: op)
            ok = report("allReduce bool \(op)", t.toArray(as: Bool.self) == anyTrue) && ok
        }

        // broadcast from every root, each dtype.
        for root in ranks {
            let f = Tensor(shape: shape, scalars: floats(rank: rank, count: n))
            let i = Tensor(shape: shape, scalars: ints(rank: rank, count: n))
            let b = Tensor(shape: shape, scalars: bools(rank: rank, count: n))
            try Distributed.broadcast(f, from: root)
            try Distributed.broadcast(i, from: root)
            try Distributed.broadcast(b, from: root)
            ok = report("broadcast from \(root)",
                        f.toArray() == floats(rank: root, count: n) && i.toArray(as: Int64.self) == ints(rank: root, count: n)
                            && b.toArray(as: Bool.self) == bools(rank: root, count: n)) && ok
        }

        // allGather, each dtype, from a non-contiguous input.
        let f = Tensor(shape: [5, 3], scalars: floats(rank: rank, count: n)).transpose(0, 1)
        let gf = try Distributed.allGather(f)
        let gi = try Distributed.allGather(Tensor(shape: shape, scalars: ints(rank: rank, count: n)))
        let gb = try Distributed.allGather(Tensor(shape: shape, scalars: bools(rank: rank, count: n)))
        let gatherOK = gf.count == world && gf.allSatisfy { $0.shape == [3, 5] }
            && ranks.allSatisfy { r in
                gf[r].toArray() == Tensor(shape: [5, 3], scalars: floats(rank: r, count: n)).transpose(0, 1).contiguous().toArray()
                    && gi[r].toArray(as: Int64.self) == ints(rank: r, count: n)
                    && gb[r].toArray(as: Bool.self) == bools(rank: r, count: n)
            }
        ok = report("allGather float32/int64/bool", gatherOK) && ok

        // barrier: no rank leaves before the slowest has arrived.
        let start = Date()
        if rank == world - 1 { Thread.sleep(forTimeInterval: 0.3) }
        try Distributed.barrier()
        ok = report("barrier", Date().timeIntervalSince(start) >= 0.29) && ok

        ok = report("localRank", Distributed.localRank == rank, "\(Distributed.localRank)") && ok
        return ok
    }

    /// The last rank exits in the middle of the run without finalizing; the others are in
    /// an allReduce that can never complete. What must happen: the job ends (mpirun kills
    /// the survivors, or they get an MPI error), not a hang. scripts/check-distributed
    /// runs this under a timeout and expects a non-zero exit well before it.
    static func deadRank() throws -> Bool {
        if Distributed.rank == Distributed.worldSize - 1 {
            print("rank \(Distributed.rank): exiting without finalize")
            fflush(nil)
            exit(3)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let t = Tensor.ones([1000])
        for _ in 0..<1_000_000 { try Distributed.allReduce(t) }
        return report("dead-rank: allReduce kept completing", false)
    }
}
