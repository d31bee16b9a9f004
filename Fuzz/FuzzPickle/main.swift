import CFuzzerDriver
import Foundation
@_spi(Fuzzing) import Ember

// libFuzzer target for the restricted unpickler on raw bytes: every input gives a value or
// a `PthError`, never a trap, a hang or an unbounded allocation. Persistent ids go through
// the storage table as in a zip checkpoint, and the result is walked as a state dict.

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    do {
        _ = try PyTorchCheckpoint.unpickleKeys(Data(bytes: data!, count: size), source: "fuzz")
    } catch is PthError {
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}

ember_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, { fuzzOne($0, $1) }, "FuzzPickle")
