import Foundation

/// Runs the `ember` executable built next to the test bundle and captures its output.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum Ember {
    static var executable: URL {
        Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("ember")
    }

    /// Runs `ember arguments`; `environment` adds to (or overrides) this process's.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting, so a full pipe cannot stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                             stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `ember arguments` without waiting for it, its output discarded: for tests
    /// that stop it from outside.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// The rows of a run folder's `metrics.csv` without their timings: what two runs that
/// trained alike have in common.
func metricsRows(_ folder: URL) throws -> [String] {
    try String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().map { row in
            row.split(separator: ",").prefix(6).joined(separator: ",")
        }
}

/// A throw-away folder of tiny MNIST-format files: classes are told apart by which band
/// of rows is bright, so a few epochs learn them.
struct TinyMNIST {
    let root: URL

    init(train: Int = 320, test: Int = 80) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        for (split, count) in [("train", train), ("t10k", test)] {
            let labels = (0..<count).map { UInt8($0 % 10) }
            var pixels: [UInt8] = []
            for label in labels {
                for row in 0..<28 {
                    let bright = row / 3 == Int(label)
                    for _ in 0..<28 { pixels.append(bright ? 200 : UInt8.random(in: 0...60, using: &generator)) }
                }
            }
            try Self.idx(magic: 0x803, dimensions: [count, 28, 28], values: pixels)
                .write(to: root.appendingPathComponent("\(split)-images-idx3-ubyte"))
            try Self.idx(magic: 0x801, dimensions: [count], values: labels)
                .write(to: root.appendingPathComponent("\(split)-labels-idx1-ubyte"))
        }
    }

    private static func idx(magic: UInt32, dimensions: [Int], values: [UInt8]) -> Data {
        var data = Data()
        for word in [magic] + dimensions.map(UInt32.init) { withUnsafeBytes(of: word.bigEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: values)
        return data
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
