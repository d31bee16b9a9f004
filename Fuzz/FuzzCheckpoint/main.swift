import CFuzzerDriver
import Foundation
import Ember

// libFuzzer target for training checkpoints (`Checkpoint.load`, what `ember train --resume`
// and `ember evaluate` read), and what a resume does with one: restore a small model, an SGD
// and an Adam optimizer and a StepLR, then take one training step. Any bytes give a typed
// error or a step, never a trap.
//
// An input is a checkpoint's JSON header, a 0 byte, then its tensor data; the target writes
// the 8-byte header length itself. JSON text cannot hold a 0 byte, so mutations of the
// header keep the framing, and most reach the restore code instead of failing the length.
//
//   FuzzCheckpoint --write-seeds DIR    writes the seed corpus (works in a plain build)

/// Model, optimizers and scheduler as a resume builds them before loading state.
struct Run {
    let model = Sequential([Linear(4, 3), BatchNorm1d(3), ReLU(), Linear(3, 2)])
    let sgd: SGD
    let adam: Adam
    let scheduler: StepLR

    init(amsgrad: Bool = false) {
        sgd = SGD(model.parameters(), lr: 0.1, momentum: 0.9)
        adam = Adam(model.parameters(), lr: 0.01, amsgrad: amsgrad)
        scheduler = StepLR(sgd, stepSize: 2, gamma: 0.5)
    }

    func step() {
        sgd.zeroGrad()
        adam.zeroGrad()
        let inputs = Tensor(shape: [2, 4], scalars: [0.5, -1, 2, 0, 1, 1, -0.5, 3])
        crossEntropy(model(inputs), Tensor(shape: [2], scalars: [Int64(0), 1])).backward()
        sgd.step()
        adam.step()
        scheduler.step()
    }

    func restore(_ checkpoint: Checkpoint) throws {
        if let state = checkpoint["model"] { try model.loadStateDict(state) }
        if let state = checkpoint["optimizer"] { try sgd.loadStateDict(state) }
        if let state = checkpoint["adam"] { try adam.loadStateDict(state) }
        if let state = checkpoint["scheduler"] { try scheduler.loadStateDict(state) }
        if let generator = checkpoint.generator { setRNGState(generator) }
    }

    var checkpoint: Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint["model"] = model.stateDict()
        checkpoint["optimizer"] = sgd.stateDict()
        checkpoint["adam"] = adam.stateDict()
        checkpoint["scheduler"] = scheduler.stateDict()
        checkpoint.info["epoch"] = "\(scheduler.lastEpoch)"
        checkpoint.generator = rngState()
        return checkpoint
    }
}

/// The safetensors file an input stands for.
func framed(_ input: Data) -> Data {
    let header = input.prefix { $0 != 0 }
    var file = Data()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
    file.append(header)
    file.append(input.dropFirst(header.count + 1))
    return file
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    do {
        let checkpoint = try Checkpoint.load(data: framed(Data(bytes: data!, count: size)), source: "fuzz")
        let run = Run()
        try run.restore(checkpoint)
        run.step()
    } catch is SerializationError, is StateDictError, is OptimizerStateError {
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}

/// A few checkpoints as Ember writes them, framed as the target reads them.
func writeSeeds(to folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    manualSeed(0)
    let fresh = Run(), stepped = Run(), amsgrad = Run(amsgrad: true)
    stepped.step()
    for _ in 0..<3 { amsgrad.step() }
    var modelOnly = Checkpoint()
    modelOnly["model"] = fresh.model.stateDict()
    let seeds = ["fresh": fresh.checkpoint, "stepped": stepped.checkpoint, "amsgrad_3_steps": amsgrad.checkpoint,
                 "model_only": modelOnly]
    for (name, checkpoint) in seeds {
        let file = folder.appendingPathComponent("\(name).safetensors")
        try checkpoint.save(to: file)
        let bytes = try Data(contentsOf: file)
        try FileManager.default.removeItem(at: file)
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        try (bytes[8..<8 + headerLength] + [0] + bytes[(8 + headerLength)...]).write(to: folder.appendingPathComponent(name))
    }
}

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--write-seeds" {
    try writeSeeds(to: URL(fileURLWithPath: CommandLine.arguments[2]))
    exit(0)
}
ember_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, { fuzzOne($0, $1) }, "FuzzCheckpoint")
