import CFuzzerDriver
import Foundation
import Ember

// libFuzzer target for safetensors decoding (checkpoints are safetensors files too): any
// bytes give tensors or a `SerializationError`, never a trap. Half of the inputs are taken
// as they are; for the other half the target writes the 8-byte header length itself, since
// a mutator rarely keeps it consistent, so that mutations reach the JSON header and entries.

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data!, count: size)
    var inputs = [bytes]
    if let split = bytes.first.map({ Int($0) }), size > 1 {
        // The first byte picks where the header ends in the rest of the input.
        let rest = bytes.dropFirst()
        let headerLength = split * rest.count / 255
        var framed = Data()
        withUnsafeBytes(of: UInt64(headerLength).littleEndian) { framed.append(contentsOf: $0) }
        framed.append(rest)
        inputs.append(framed)
    }
    for input in inputs {
        do {
            _ = try SafeTensors.loadWithMetadata(data: input, source: "fuzz")
        } catch is SerializationError {
        } catch {
            preconditionFailure("untyped error \(error)")
        }
    }
    return 0
}

ember_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, { fuzzOne($0, $1) }, "FuzzSafeTensors")
