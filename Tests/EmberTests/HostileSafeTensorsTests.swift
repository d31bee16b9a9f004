import Foundation
import Testing
@testable import Ember

/// A valid entry of two float32 values.
private let entry = #"{"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}"#

/// Hostile safetensors headers give a typed error, the same one in every process, and
/// never a trap: shapes whose sizes or strides overflow, byte ranges that overlap or leave
/// gaps, metadata that is not strings, keys named twice.
struct HostileSafeTensorsTests {
    /// A file from a JSON header text and `dataBytes` zero bytes of data.
    static func file(_ header: String, dataBytes: Int) -> Data {
        var data = Data()
        let json = Data(header.utf8)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(Data(count: dataBytes))
        return data
    }

    static func error(_ header: String, dataBytes: Int = 8) -> String? {
        do {
            _ = try SafeTensors.decode(file(header, dataBytes: dataBytes), path: "hostile.safetensors")
            return nil
        } catch let error as SerializationError {
            return "\(error)"
        } catch {
            return "untyped: \(error)"
        }
    }

    @Test(arguments: [
        // The element count overflows before the dtype is even looked at.
        (#"{"a": {"dtype": "XYZ", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}"#, "too large to address"),
        // Count times element size overflows.
        (#"{"a": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 8]}}"#, "needs more bytes"),
        // No elements, but the strides of the other sizes overflow.
        (#"{"a": {"dtype": "F32", "shape": [0, 4611686018427387904, 4], "data_offsets": [0, 0]}}"#, "too large to address"),
        (#"{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#, "negative or too large"),
    ])
    func shapesFromTheFileAreChecked(_ header: String, _ problem: String) {
        let message = Self.error(header)
        #expect(message?.contains("hostile.safetensors") == true && message?.contains(problem) == true, "\(message ?? "accepted")")
    }

    @Test func byteRangesMustTileTheData() {
        let overlap = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#
        #expect(Self.error(overlap, dataBytes: 12)?.contains("overlap") == true)
        let repeated = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#
        #expect(Self.error(repeated)?.contains("overlap") == true)
        let gap = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        #expect(Self.error(gap)?.contains("belong to no entry") == true)
        let tail = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        #expect(Self.error(tail)?.contains("last 4 data bytes") == true)
        let fine = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        #expect(Self.error(fine) == nil)
    }

    @Test(arguments: [#"{"epoch": 3}"#, #"{"epoch": true}"#, #"{"epoch": null}"#, #"{"epoch": ["3"]}"#,
                      #"{"epoch": {"n": "3"}}"#, #""epoch=3""#, #"["epoch", "3"]"#])
    func metadataMustBeStrings(_ metadata: String) {
        let header = #"{"__metadata__": \#(metadata), "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#
        let message = Self.error(header)
        #expect(message?.contains("hostile.safetensors") == true && message?.contains("__metadata__") == true, "\(message ?? "accepted")")
    }

    @Test(arguments: [
        (#"{"a": \#(entry), "a": \#(entry)}"#, "the header names 'a' twice"),
        // The same key once escaped: JSONSerialization decodes both to "a".
        (#"{"a": \#(entry), "\u0061": \#(entry)}"#, "the header names 'a' twice"),
        (#"{"a": {"dtype": "F32", "dtype": "I64", "shape": [2], "data_offsets": [0, 8]}}"#, "'a' in the header names 'dtype' twice"),
        (#"{"__metadata__": {"epoch": "1", "epoch": "2"}, "a": \#(entry)}"#, "'__metadata__' in the header names 'epoch' twice"),
        (#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8], "x": [{"k": 1, "k": 2}]}}"#, "'a.x' in the header names 'k' twice"),
    ])
    func keysNamedTwiceInOneObjectAreRefused(_ header: String, _ problem: String) {
        let message = Self.error(header)
        #expect(message?.contains("hostile.safetensors") == true && message?.contains(problem) == true, "\(message ?? "accepted")")
    }

    @Test func repeatedNamesInDifferentObjectsOrInsideStringsAreFine() {
        let header = #"{"__metadata__": {"a": "a\", \"a\": {", "shape": "[]"}, "a": \#(entry)}"#
        #expect(Self.error(header) == nil)
    }

    @Test func theFirstBadEntryByNameIsReportedEveryTime() {
        var header = "{"
        for k in 0..<20 { header += #""e\#(k)": {"dtype": "F32", "shape": [-\#(k + 1)], "data_offsets": [0, 0]}, "# }
        header += #""z": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#
        let messages = Set((0..<5).map { _ in Self.error(header) ?? "" })
        #expect(messages.count == 1)
        #expect(messages.first?.contains("'e0'") == true, "\(messages)")
    }
}
