import Ember
import EmberDistributed
import Foundation

/// One rank's verdict on one comparison, printed as `rank R CHECK: ok|FAILED detail`.
func report(_ name: String, _ ok: Bool, _ detail: String = "") -> Bool {
    print("rank \(Distributed.rank)/\(Distributed.worldSize) \(name): \(ok ? "ok" : "FAILED") \(detail)")
    fflush(nil)
    return ok
}

/// `max |a - b| / max |b|` over two tensors of the same shape.
func relativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
    let x = a.toArray()
    let y = b.toArray()
    precondition(x.count == y.count)
    let scale = max(y.map(abs).max() ?? 0, 1e-30)
    return zip(x, y).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

/// Whether every rank holds bit for bit the same values in `tensors`.
func identicalOnAllRanks(_ tensors: [Tensor]) throws -> Bool {
    let flat = Tensor.cat(tensors.map { $0.detach().contiguous().view(-1) })
    let bits = Tensor(shape: [flat.numel], scalars: flat.toArray().map { Int64($0.bitPattern) })
    let all = try Distributed.allGather(bits)
    return all.allSatisfy { $0.toArray(as: Int64.self) == all[0].toArray(as: Int64.self) }
}

/// A hash of the values' bits (FNV-1a), to compare runs in different places.
func fingerprint(_ tensors: [Tensor]) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for tensor in tensors {
        for value in tensor.detach().contiguous().toArray() {
            hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01B3
        }
    }
    return String(hash, radix: 16)
}
