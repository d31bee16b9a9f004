import CFuzzerDriver
import Foundation
@_spi(Fuzzing) import Ember

// libFuzzer target for PyTorch checkpoints through the public entry point: the zip container
// as libzip reads it (end records, zip64, the central directory, local headers, CRC-32,
// deflate) with the reader's size checks, byteorder, storages, and the legacy sequence of pickles. Any bytes give tensors or a `PthError`, never a trap.
//
// Each input is tried as it is, and again packed by the target into a valid stored zip
// archive as torch.save lays one out (the first byte splits the rest into data.pkl and the
// storage data/0), since a mutated archive rarely keeps its CRC-32s and sizes consistent.

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data!, count: size)
    var inputs = [bytes]
    if let first = bytes.first, size > 1 {
        let rest = bytes.dropFirst()
        let split = rest.startIndex + Int(first) * rest.count / 255
        inputs.append(try! PyTorchCheckpoint.storedZip([
            ("archive/data.pkl", Data(rest[..<split])), ("archive/byteorder", Data("little".utf8)),
            ("archive/data/0", Data(rest[split...])),
        ]))
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
