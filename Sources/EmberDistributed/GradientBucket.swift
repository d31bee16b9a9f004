import Ember
import Foundation

/// A group of parameters whose gradients are averaged by one collective: the gradients are
/// copied into one flat buffer, reduced together, and copied back.
final class GradientBucket {
    /// The parameters, in the order their gradients are expected.
    let parameters: [Tensor]
    /// Where each parameter's gradient starts in `buffer`, in elements.
    let offsets: [Int]
    /// The flat float32 buffer the collective reduces.
    let buffer: Tensor
    /// Which gradients are ready in the current backward pass.
    private(set) var ready: [Bool]
    private var pending: Int
    /// The collective in flight, once every gradient of the bucket is ready.
    var work: DistributedWork?

    init(parameters: [Tensor]) {
        self.parameters = parameters
        var offsets: [Int] = []
        var total = 0
        for parameter in parameters {
            offsets.append(total)
            total += parameter.numel
        }
        self.offsets = offsets
        buffer = Tensor.zeros([total])
        ready = Array(repeating: false, count: parameters.count)
        pending = parameters.count
    }

    /// Some but not all gradients arrived in the last backward: a parameter went unused.
    var isPartlyReady: Bool { pending != parameters.count }

    /// Records parameter `i`'s gradient as ready; true when it was the bucket's last.
    func markReady(_ i: Int) -> Bool {
        guard !ready[i] else { return false }
        ready[i] = true
        pending -= 1
        return pending == 0
    }

    /// Copies the gradients into the buffer (zeros for a parameter this rank did not use,
    /// whose `.grad` is nil) and starts summing it across ranks.
    func launch() throws(DistributedError) {
        buffer.withUnsafeMutableRawBytes { flat in
            for (parameter, offset) in zip(parameters, offsets) {
                let destination = flat.baseAddress! + offset * 4
                guard let grad = parameter.grad?.contiguous() else {
                    memset(destination, 0, parameter.numel * 4)
                    continue
                }
                grad.withUnsafeMutableRawBytes { bytes in
                    destination.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                }
            }
        }
        work = try Distributed.allReduceAsync(buffer, op: .average)
    }

    /// Waits for the collective and writes the averaged gradients back into `.grad`, except
    /// for the parameters `used` says no rank used (their `.grad` is left as it was, as
    /// PyTorch leaves it); a parameter only other ranks used gets a `.grad` of its own.
    func finish(used: (Int) -> Bool = { _ in true }) throws(DistributedError) {
        try work?.wait()
        work = nil
        buffer.withUnsafeMutableRawBytes { flat in
            for (i, (parameter, offset)) in zip(parameters, offsets).enumerated() where used(i) {
                var grad = parameter.grad ?? Tensor.zeros(parameter.shape)
                if !grad.isContiguous { grad = grad.contiguous() }
                if !(parameter.grad?.isSameTensor(grad) ?? false) { parameter.grad = grad }
                grad.withUnsafeMutableRawBytes { bytes in
                    bytes.baseAddress!.copyMemory(from: flat.baseAddress! + offset * 4, byteCount: bytes.count)
                }
            }
        }
        pending = parameters.count
        ready = Array(repeating: false, count: parameters.count)
    }
}
