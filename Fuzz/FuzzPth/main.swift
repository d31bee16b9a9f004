import CFuzzerDriver
import Foundation
import Ember

// libFuzzer target for PyTorch checkpoints through the public entry point: the zip container
// (ZIPFoundation's reader, entry sizes, byteorder, data.pkl, the storages) and the legacy
// sequence of pickles. Any bytes give tensors or a `PthError`, never a trap.

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data!, count: size)
    do {
        _ = try PyTorchCheckpoint.load(data: bytes, source: "fuzz")
    } catch is PthError {
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}

ember_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, { fuzzOne($0, $1) }, "FuzzPth")
