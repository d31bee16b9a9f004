import Foundation
import Testing
@testable import Ember

/// Creation, dtypes, views, indexing, in-place updates, printing and serialization.
struct TensorBasicsTests {
    @Test func creationFunctions() {
        #expect(Tensor.zeros([2, 3]).toArray() == [Float](repeating: 0, count: 6))
        #expect(Tensor.full([2], 7).toArray() == [7, 7])
        #expect(Tensor.arange(4).toArray(as: Int64.self) == [0, 1, 2, 3])
        #expect(Tensor.onesLike(Tensor.zeros([2, 2])).toArray() == [1, 1, 1, 1])
        let r = Tensor.randint(0, 5, [1000])
        #expect(r.dtype == .int64 && r.min().item() >= 0 && r.max().item() <= 4)
        let u = Tensor.rand([1000])
        #expect(u.min().item() >= 0 && u.max().item() < 1)
        let n = Tensor.randn([20000])
        #expect(abs(n.mean().item()) < 0.03 && abs(n.std().item() - 1) < 0.03)
    }

    @Test func manualSeedMakesRunsReproducible() {
        manualSeed(42)
        let a = Tensor.randn([5]).toArray()
        manualSeed(42)
        let b = Tensor.randn([5]).toArray()
        #expect(a == b)
        let state = rngState()
        let c = Tensor.rand([3]).toArray()
        setRNGState(state)
        #expect(Tensor.rand([3]).toArray() == c)
    }

    @Test func dtypeConversions() {
        let x = Tensor([1.7, -2.5, 0])
        #expect(x.long().toArray(as: Int64.self) == [1, -2, 0])
        #expect(x.bool().toArray(as: Bool.self) == [true, true, false])
        #expect(x.bool().float().toArray() == [1, 1, 0])
    }

    @Test func viewReshapeAndFriends() {
        let x = Tensor.arange(0, 24).reshape(2, 3, 4)
        #expect(x.view(6, -1).shape == [6, 4])
        #expect(x.flatten(startDim: 1).shape == [2, 12])
        #expect(x.unsqueeze(0).shape == [1, 2, 3, 4])
        #expect(x.unsqueeze(-1).shape == [2, 3, 4, 1])
        #expect(x.unsqueeze(0).squeeze().shape == [2, 3, 4])
        #expect(x.permute(2, 0, 1).shape == [4, 2, 3])
        #expect(x.transpose(0, 2).contiguous().reshape(-1)[1].item() == 12)
        #expect(x.narrow(dim: 2, start: 1, length: 2).toArray()[0...1] == [1, 2])
        let t = x.transpose(1, 2)
        #expect(t.reshape(-1).shape == [24])
        #expect(Tensor([1, 2]).view(2, 1).expand(2, 3).toArray() == [1, 1, 1, 2, 2, 2])
    }

    @Test func subscriptsReadAndWrite() {
        let x = Tensor.arange(0, 12).reshape(3, 4)
        #expect(x[1, 2].item() == 6)
        #expect(x[-1].toArray() == [8, 9, 10, 11])
        #expect(x[TensorRange.all, 1].toArray() == [1, 5, 9])
        #expect(x[1..., ..<2].toArray() == [4, 5, 8, 9])
        #expect(x[0...1, stride(from: 1, to: 4, by: 2)].toArray() == [1, 3, 5, 7])
        #expect(x[TensorRange.newAxis].shape == [1, 3, 4])
        #expect(x[TensorRange.ellipsis, 0].toArray() == [0, 4, 8])
        x[0] = 5
        #expect(x[0].toArray() == [5, 5, 5, 5])
        x[TensorRange.all, 3] = Tensor([-1, -2, -3])
        #expect(x[TensorRange.all, 3].toArray() == [-1, -2, -3])
    }

    @Test func inPlaceUpdatesAreVisibleThroughViews() {
        var x = Tensor.ones([2, 2])
        let alias = x.view(4)
        x += 1
        #expect(alias.toArray() == [2, 2, 2, 2])
        x *= Tensor([1, 3])
        #expect(alias.toArray() == [2, 6, 2, 6])
        var column = x[TensorRange.all, 0]
        column -= 2
        #expect(alias.toArray() == [0, 6, 0, 6])
        x /= 2
        #expect(alias.toArray() == [0, 3, 0, 3])
        x.add(Tensor.ones([2, 2]), alpha: -1)
        #expect(alias.toArray() == [-1, 2, -1, 2])
        x.zero()
        #expect(alias.toArray() == [0, 0, 0, 0])
        x.copy(from: Tensor([4, 5]))
        #expect(alias.toArray() == [4, 5, 4, 5])
    }

    @Test func printsLikePyTorch() {
        #expect(Tensor([[2, 3], [4, 8]]).description == "tensor([[2., 3.],\n        [4., 8.]])")
        #expect(Tensor([0.5, 1.25]).description == "tensor([0.5000, 1.2500])")
        #expect(Tensor(3.5).description == "tensor(3.5000)")
        #expect(Tensor([1, 2], dtype: .int64).description == "tensor([1, 2])")
        #expect(Tensor([1, 0]).bool().description == "tensor([ True, False])")
        let x = Tensor([1], requiresGrad: true)
        #expect(x.description == "tensor([1.], requires_grad=True)")
        #expect((x * 2).description == "tensor([2.], grad_fn=<MulBackward>)")
        #expect(Tensor.zeros([2000]).description.contains("..."))
    }

    @Test func catSplitAndChunkRoundTrip() {
        let x = Tensor.arange(0, 10).reshape(5, 2)
        let parts = x.chunk(2, dim: 0)
        #expect(parts.map(\.shape) == [[3, 2], [2, 2]])
        #expect(Tensor.cat(parts, dim: 0).toArray() == x.toArray())
        #expect(x.split(sizes: [1, 4]).map(\.shape) == [[1, 2], [4, 2]])
    }

    @Test func safetensorsRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.safetensors")
        let tensors = ["w": Tensor([[1, 2], [3, 4]]).t(), "i": Tensor([7, 8], dtype: .int64), "m": Tensor([1, 0]).bool()]
        try SafeTensors.save(tensors, metadata: ["format": "pt"], to: url)
        let loaded = try SafeTensors.load(from: url)
        #expect(loaded["w"]!.toArray() == [1, 3, 2, 4])
        #expect(loaded["i"]!.toArray(as: Int64.self) == [7, 8])
        #expect(loaded["m"]!.toArray(as: Bool.self) == [true, false])
        #expect(try SafeTensors.metadata(from: url) == ["format": "pt"])
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files == ["t.safetensors"])
    }

    @Test func corruptSafetensorsAreRejectedWithAReason() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bad-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        var bytes = Data()
        withUnsafeBytes(of: UInt64(1_000).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array("{}".utf8))
        try bytes.write(to: url)
        #expect(throws: SerializationError.self) { try SafeTensors.load(from: url) }
        do {
            _ = try SafeTensors.load(from: url)
        } catch {
            #expect("\(error)".contains("exceeds the file size"))
        }
        var lying = Data()
        let header = #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"#
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { lying.append(contentsOf: $0) }
        lying.append(contentsOf: Array(header.utf8))
        lying.append(contentsOf: [UInt8](repeating: 0, count: 8))
        try lying.write(to: url)
        do {
            _ = try SafeTensors.load(from: url)
            Issue.record("a size mismatch was accepted")
        } catch {
            #expect("\(error)".contains("needs 16 bytes"))
        }
    }
}
