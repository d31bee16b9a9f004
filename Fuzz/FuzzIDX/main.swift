import CFuzzerDriver
import EmberVision
import Foundation

// libFuzzer target for MNIST-format IDX files, raw and gzip, through `MNIST(root:)`: any
// bytes give a data set or a `DatasetError`, never a trap, and gzip never inflates past
// what the header declares. The first byte picks whether the bytes are the images or the
// labels file (the other one is a valid file of 2 samples) and whether they are gzip.

// In memory where the machine has /dev/shm: two small files are written per input.
let scratch = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm")
    : FileManager.default.temporaryDirectory
let folder = scratch.appendingPathComponent("ember-fuzz-idx-\(getpid())")
try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
let validImages: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2] + [UInt8](repeating: 7, count: 8)
let validLabels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 3, 4]

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let choice = data![0]
    let fuzzed = Data(bytes: data! + 1, count: size - 1)
    let gzip = choice & 2 != 0 ? ".gz" : ""
    for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"] {
        unlink(folder.appendingPathComponent(name).path)
        unlink(folder.appendingPathComponent(name + ".gz").path)
    }
    let (imagesBytes, labelsBytes) = choice & 1 == 0 ? (fuzzed, Data(validLabels)) : (Data(validImages), fuzzed)
    try? imagesBytes.write(to: folder.appendingPathComponent("train-images-idx3-ubyte" + (choice & 1 == 0 ? gzip : "")))
    try? labelsBytes.write(to: folder.appendingPathComponent("train-labels-idx1-ubyte" + (choice & 1 == 0 ? "" : gzip)))
    do {
        let set = try MNIST(root: folder.path, train: true)
        if set.count > 0 { _ = set.image(at: 0) }
    } catch is DatasetError {
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}

ember_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, { fuzzOne($0, $1) }, "FuzzIDX")
