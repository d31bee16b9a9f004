import Foundation
import Testing
@testable import Ember

/// `torch.uint8`: one byte per element, PyTorch's casts, printing and type promotion, and
/// safetensors' `U8` kept narrow through a load and a save. Expected values are what
/// PyTorch 2.15 gives for the same expressions.
struct UInt8DTypeTests {
    static let bytes = Tensor(shape: [2, 3], scalars: [UInt8(0), 1, 255, 7, 8, 9])

    @Test func storesOneBytePerElementAndCastsAsPyTorch() {
        let t = Self.bytes
        #expect(t.dtype == .uint8 && t.dtype.itemSize == 1 && t.impl.storage.byteCount == 6)
        #expect(t.toArray(as: UInt8.self) == [0, 1, 255, 7, 8, 9])
        #expect(t.float().toArray() == [0, 1, 255, 7, 8, 9])
        #expect(t.long().toArray(as: Int64.self) == [0, 1, 255, 7, 8, 9])
        #expect(t.bool().toArray(as: Bool.self) == [false, true, true, true, true, true])
        #expect(t[0, 2].item() == 255 && t.t().contiguous().toArray(as: UInt8.self) == [0, 7, 1, 8, 255, 9])
        // Floats truncate toward zero and wrap through int64; NaN becomes 0. Integers wrap modulo 256.
        #expect(Tensor([-1.5, 300.7, .nan, 255.9, -0.5]).byte().toArray(as: UInt8.self) == [255, 44, 0, 255, 0])
        #expect(Tensor(shape: [3], scalars: [Int64(-1), 256, 511]).byte().toArray(as: UInt8.self) == [255, 0, 255])
        #expect(Tensor(shape: [2], scalars: [true, false]).byte().toArray(as: UInt8.self) == [1, 0])
        #expect(Tensor.full([2], 2.7, dtype: .uint8).toArray(as: UInt8.self) == [2, 2])
        #expect(Tensor.full([2], -1, dtype: .uint8).toArray(as: UInt8.self) == [255, 255])
    }

    @Test func printsAsPyTorchPrintsUInt8() {
        #expect(Self.bytes.description == "tensor([[  0,   1, 255],\n        [  7,   8,   9]], dtype=torch.uint8)")
        #expect(Tensor(shape: [], scalars: [UInt8(5)]).description == "tensor(5, dtype=torch.uint8)")
        #expect(DType.uint8.description == "torch.uint8")
    }

    @Test func promotesAsPyTorch() {
        let a = Self.bytes
        // uint8 with uint8 stays uint8 and wraps modulo 256.
        #expect((a + a).dtype == .uint8 && (a + a).toArray(as: UInt8.self) == [0, 2, 254, 14, 16, 18])
        #expect((a * a).toArray(as: UInt8.self) == [0, 1, 1, 49, 64, 81])
        #expect((a - (a + a)).toArray(as: UInt8.self) == [0, 255, 1, 249, 248, 247])
        #expect(a.maximum(a).dtype == .uint8)
        #expect((a + Tensor(shape: [1], scalars: [true])).dtype == .uint8)
        // With int64 it is int64, with float32 float32; true division, sums and comparisons as in PyTorch.
        #expect((a + Tensor(shape: [1], scalars: [Int64(1)])).dtype == .int64)
        #expect((a + Tensor([1.5])).dtype == .float32 && (a / a).dtype == .float32)
        #expect(a.sum().dtype == .int64 && a.sum().item(as: Int64.self) == 280)
        #expect(a.eq(a).dtype == .bool)
    }

    private func text(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func refusesWhatPyTorchRefuses() async {
        let mean = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(shape: [2], scalars: [UInt8(1), 2]).mean()
        }
        #expect(text(mean).contains("Input dtype must be floating point, but got torch.uint8"))
        let grad = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor(shape: [2], scalars: [UInt8(1), 2]).requiresGrad = true
        }
        #expect(text(grad).contains("only Tensors of floating point dtype can require gradients"))
        let full = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.full([2], 300, dtype: .uint8)
        }
        #expect(text(full).contains("value cannot be converted to type uint8_t without overflow"))
    }

    /// A safetensors file with one `U8` entry of `count` bytes, written the way Python's
    /// `safetensors` writes it (its own key order, header padded with spaces to 8 bytes).
    static func u8File(count: Int) -> (file: Data, payload: Data) {
        var generator = SystemRandomNumberGenerator()
        let payload = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
        var json = Data(#"{"pixels":{"dtype":"U8","shape":[\#(count / 4),4],"data_offsets":[0,\#(count)]}}"#.utf8)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        return (file + json + payload, payload)
    }

    @Test func safetensorsU8StaysNarrowAndRoundTripsBitIdentically() throws {
        let count = 4096
        let (file, payload) = Self.u8File(count: count)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-u8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = folder.appendingPathComponent("u8.safetensors"), copy = folder.appendingPathComponent("copy.safetensors")
        try file.write(to: original)

        let pixels = try #require(try SafeTensors.load(from: original)["pixels"])
        #expect(pixels.dtype == .uint8 && pixels.shape == [count / 4, 4])
        #expect(pixels.impl.storage.byteCount == count, "a U8 file of \(count) bytes takes \(pixels.impl.storage.byteCount)")
        #expect(Data(pixels.toArray(as: UInt8.self)) == payload)

        try SafeTensors.save(["pixels": pixels], to: copy)
        let saved = try Data(contentsOf: copy)
        #expect(saved.suffix(count) == payload && saved.count < 8 + 128 + count)
        let header = String(decoding: saved.dropFirst(8).prefix(saved.count - 8 - count), as: UTF8.self)
        #expect(header.contains(#""dtype":"U8""#), "\(header)")
        let again = try #require(try SafeTensors.load(from: copy)["pixels"])
        #expect(again.dtype == .uint8 && Data(again.toArray(as: UInt8.self)) == payload)
    }
}
