import CFuzzerDriver
import EmberTensorBoard
import Foundation

// libFuzzer target for TensorBoard event files (`EventFileReader`): every input gives its
// events or a `TensorBoardError`, never a trap, a hang or an unbounded allocation.

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    do {
        _ = try EventFileReader.read(Data(bytes: data!, count: size), file: "fuzz")
    } catch is TensorBoardError {
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}

ember_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, { fuzzOne($0, $1) }, "FuzzEventFile")
