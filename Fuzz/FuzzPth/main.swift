import CFuzzerDriver
import Foundation
import Ember

// libFuzzer target for PyTorch checkpoints through the public entry point: the zip container
// (end records, zip64, the central directory, local headers, CRC-32, byteorder, storages)
// and the legacy sequence of pickles. Any bytes give tensors or a `PthError`, never a trap.
//
// Each input is tried as it is, and again packed by the target into a valid stored zip
// archive as torch.save lays one out (the first byte splits the rest into data.pkl and the
// storage data/0), since a mutated archive rarely keeps its CRC-32s and sizes consistent.

let crcTable: [UInt32] = (0..<256).map { n in
    (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
}

func crc32(_ bytes: Data) -> UInt32 {
    ~bytes.reduce(~UInt32(0)) { crcTable[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
}

/// A stored zip archive of `entries`, with a plain (not zip64) end record.
func zip(_ entries: [(String, Data)]) -> Data {
    var file = Data(), directory = Data()
    func put(_ value: UInt64, _ width: Int, into data: inout Data) {
        for i in 0..<width { data.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
    for (name, contents) in entries {
        let offset = file.count, crc = crc32(contents), nameBytes = Data(name.utf8)
        put(0x0403_4B50, 4, into: &file)
        put(20, 2, into: &file); put(0, 2, into: &file); put(0, 2, into: &file); put(0, 4, into: &file)
        put(UInt64(crc), 4, into: &file); put(UInt64(contents.count), 4, into: &file); put(UInt64(contents.count), 4, into: &file)
        put(UInt64(nameBytes.count), 2, into: &file); put(0, 2, into: &file)
        file.append(nameBytes)
        file.append(contents)
        put(0x0201_4B50, 4, into: &directory)
        put(20, 2, into: &directory); put(20, 2, into: &directory); put(0, 2, into: &directory); put(0, 2, into: &directory)
        put(0, 4, into: &directory)
        put(UInt64(crc), 4, into: &directory); put(UInt64(contents.count), 4, into: &directory); put(UInt64(contents.count), 4, into: &directory)
        put(UInt64(nameBytes.count), 2, into: &directory); put(0, 2, into: &directory); put(0, 2, into: &directory)
        put(0, 2, into: &directory); put(0, 2, into: &directory); put(0, 4, into: &directory); put(UInt64(offset), 4, into: &directory)
        directory.append(nameBytes)
    }
    let directoryOffset = file.count
    file.append(directory)
    put(0x0605_4B50, 4, into: &file)
    put(0, 2, into: &file); put(0, 2, into: &file)
    put(UInt64(entries.count), 2, into: &file); put(UInt64(entries.count), 2, into: &file)
    put(UInt64(directory.count), 4, into: &file); put(UInt64(directoryOffset), 4, into: &file); put(0, 2, into: &file)
    return file
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data!, count: size)
    var inputs = [bytes]
    if let first = bytes.first, size > 1 {
        let rest = bytes.dropFirst()
        let split = rest.startIndex + Int(first) * rest.count / 255
        inputs.append(zip([("archive/data.pkl", Data(rest[..<split])), ("archive/byteorder", Data("little".utf8)),
                           ("archive/data/0", Data(rest[split...]))]))
    }
    for input in inputs {
        do {
            _ = try PyTorchCheckpoint.load(data: input, source: "fuzz")
        } catch is PthError {
        } catch {
            preconditionFailure("untyped error \(error)")
        }
    }
    return 0
}

ember_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, { fuzzOne($0, $1) }, "FuzzPth")
