import Foundation
import Testing
@_spi(Fuzzing) @testable import Ember

/// PyTorch checkpoints written by `Tests/Fixtures/generate_pth.py` read back as PyTorch
/// reads them, and hostile or broken files give a `PthError` without running anything.
struct PthReaderTests {
    static let folder = Fixtures.folder.appendingPathComponent("pth")
    static let expected: [String: Tensor] = Fixtures.load("pth/expected.safetensors")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The expected tensors of one fixture stem, by key.
    static func expected(_ stem: String) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (key, value) in expected where key.hasPrefix("\(stem).") { result[String(key.dropFirst(stem.count + 1))] = value }
        return result
    }

    /// Same keys, dtypes, shapes and bit-identical values.
    static func expectEqual(_ actual: [String: Tensor], _ expected: [String: Tensor], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.keys.sorted() == expected.keys.sorted(), sourceLocation: sourceLocation)
        for (key, e) in expected {
            guard let a = actual[key] else { continue }
            #expect(a.dtype == e.dtype && a.shape == e.shape, "\(key): \(a.dtype) \(a.shape) vs \(e.dtype) \(e.shape)", sourceLocation: sourceLocation)
            guard a.dtype == e.dtype, a.shape == e.shape else { continue }
            switch e.dtype {
            case .float32: #expect(a.toArray().map(\.bitPattern) == e.toArray().map(\.bitPattern), "\(key)", sourceLocation: sourceLocation)
            case .int64: #expect(a.toArray(as: Int64.self) == e.toArray(as: Int64.self), "\(key)", sourceLocation: sourceLocation)
            case .bool: #expect(a.toArray(as: Bool.self) == e.toArray(as: Bool.self), "\(key)", sourceLocation: sourceLocation)
            case .uint8: #expect(a.toArray(as: UInt8.self) == e.toArray(as: UInt8.self), "\(key)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The error loading `data` gives, or nil when it loads.
    static func error(_ data: Data, options: PyTorchCheckpoint.Options = .init()) -> PthError? {
        do {
            _ = try PyTorchCheckpoint.load(data: data, source: "test.pth", options: options)
            return nil
        } catch let error as PthError {
            return error
        } catch {
            Issue.record("untyped error \(error)")
            return nil
        }
    }

    // MARK: Values

    @Test(arguments: ["dtypes_zip.pth", "dtypes_legacy.pth", "dtypes_bigendian.pth"])
    func everyDtypeReadsAsPyTorchReadsItConverted(_ file: String) throws {
        let tensors = try PyTorchCheckpoint.load(from: Self.url(file))
        Self.expectEqual(tensors, Self.expected("dtypes"))
        #expect(tensors["float16"]?.dtype == .float32 && tensors["int8"]?.dtype == .int64 && tensors["bool"]?.dtype == .bool)
        // uint8 stays narrow: one byte per element, as in the file.
        let bytes = try #require(tensors["uint8"])
        #expect(bytes.dtype == .uint8 && bytes.impl.storage.byteCount == 4 && bytes.toArray(as: UInt8.self) == [0, 1, 200, 255])
    }

    @Test(arguments: ["views_zip.pth", "views_legacy.pth"])
    func viewsKeepTheirStorageOffsetsAndStrides(_ file: String) throws {
        let tensors = try PyTorchCheckpoint.load(from: Self.url(file))
        Self.expectEqual(tensors, Self.expected("views"))
        let a = try #require(tensors["a"]), b = try #require(tensors["b"]), tied = try #require(tensors["tied"])
        // a = base[2:6] and b = base[4:10] view one storage, as after torch.load.
        #expect(a.sharesStorage(with: b) && a.storageOffset == 2 && b.storageOffset == 4)
        #expect(a.isSameTensor(tied))
        #expect(tensors["t"]?.isContiguous == true && tensors["s"]?.isContiguous == true)
    }

    @Test func wrappersAreUnwrapped() throws {
        let sequential = Self.expected("sequential")
        Self.expectEqual(try PyTorchCheckpoint.load(from: Self.url("wrapped_state_dict.pth")), sequential)
        Self.expectEqual(try PyTorchCheckpoint.load(from: Self.url("wrapped_model.pth")), sequential)
        Self.expectEqual(try PyTorchCheckpoint.load(from: Self.url("dataparallel.pth")), sequential)
    }

    @Test func exactOptionsKeepTheFilesKeys() throws {
        let wrapped = try PyTorchCheckpoint.load(from: Self.url("wrapped_state_dict.pth"), options: .exact)
        #expect(wrapped["state_dict.0.weight"] != nil && wrapped["0.weight"] == nil)
        // The optimizer's state has integer keys; its param_groups list and the epoch are skipped.
        #expect(wrapped.keys.filter { $0.hasPrefix("optimizer.") }.sorted() == (0..<4).map { "optimizer.state.\($0).momentum_buffer" })
        #expect(wrapped.count == 8)
        let parallel = try PyTorchCheckpoint.load(from: Self.url("dataparallel.pth"), options: .exact)
        #expect(parallel.keys.sorted() == Self.expected("sequential").keys.map { "module.\($0)" }.sorted())
    }

    @Test func nestedDictsFlattenWithDots() throws {
        Self.expectEqual(try PyTorchCheckpoint.load(from: Self.url("nested.pth")), Self.expected("nested"))
    }

    @Test func moduleLoadsAPthFileByContent() throws {
        let model = Sequential { Linear(3, 2); ReLU(); Linear(2, 1) }
        try model.loadStateDict(from: Self.url("sequential.pth"))
        Self.expectEqual(model.stateDict(), Self.expected("sequential"))
        let again = Sequential { Linear(3, 2); ReLU(); Linear(2, 1) }
        try again.loadStateDict(from: Self.url("wrapped_state_dict.pth"))
        Self.expectEqual(again.stateDict(), Self.expected("sequential"))
    }

    @Test func safetensorsHeaderStartingLikeAPickleIsSafetensors() {
        var data = Data([0x80, 0x02, 0, 0, 0, 0, 0, 0])
        data.append(contentsOf: Array("{".utf8))
        #expect(!StateDictFile.isPyTorch(data))
        #expect(StateDictFile.isPyTorch(Data([0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20])))
        #expect(StateDictFile.isPyTorch(Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0x7B])) == false)
    }

    // MARK: Refusals

    @Test(arguments: [("whole_model.pth", "torch.nn.modules.container.Sequential"), ("whole_model_main.pth", "__main__.Net")])
    func wholePickledModelsAreRefused(_ file: String, _ global: String) throws {
        let data = try Data(contentsOf: Self.url(file))
        let error = Self.error(data)
        #expect(error == .pickledModel(path: "test.pth", global: global))
        #expect(error?.description.contains("model.state_dict()") == true)
    }

    @Test(arguments: [
        ("evil_os_system.pth", "posix.system", "os_system"), ("evil_eval.pkl", "builtins.eval", "eval"),
        ("evil_popen_legacy.pth", "subprocess.Popen", "popen"), ("evil_in_zip.pth", "posix.system", "in_zip"),
    ])
    func hostileGlobalsAreRefusedByNameAndNothingRuns(_ file: String, _ global: String, _ marker: String) throws {
        let markerPath = "/tmp/ember-pth-marker-\(marker)"
        try? FileManager.default.removeItem(atPath: markerPath)
        let data = try Data(contentsOf: Self.url(file))
        #expect(Self.error(data) == .forbiddenGlobal(path: "test.pth", global: global))
        #expect(throws: PthError.self) { try Sequential { Linear(2, 2) }.loadStateDict(from: Self.url(file)) }
        #expect(!FileManager.default.fileExists(atPath: markerPath))
    }

    @Test func otherObjectsAreNotStateDicts() throws {
        let single = Self.error(try Data(contentsOf: Self.url("single_tensor.pth")))
        #expect(single == .notAStateDict(path: "test.pth", reason: "the file holds a tensor, not a dict of tensors"))
        let script = Self.error(try Data(contentsOf: Self.url("torchscript.pt")))
        #expect(script?.description.contains("TorchScript archive (torch.jit.save)") == true, "\(String(describing: script))")
    }

    @Test func modelClassesAreToldFromFunctionsThatRunCode() {
        #expect(PickleGlobal.looksLikeModelClass(module: "torchvision.models.resnet", name: "ResNet"))
        #expect(PickleGlobal.looksLikeModelClass(module: "mymodels", name: "Net"))
        #expect(!PickleGlobal.looksLikeModelClass(module: "torch.nn.parameter", name: "Parameter"))
        #expect(!PickleGlobal.looksLikeModelClass(module: "subprocess", name: "Popen"))
        #expect(!PickleGlobal.looksLikeModelClass(module: "os", name: "system"))
        #expect(!PickleGlobal.looksLikeModelClass(module: "mymodels", name: "build"))
        // torch.Tensor is allowed by PyTorch's weights_only loader, but not needed for state dicts.
        #expect(PickleGlobal(module: "torch", name: "Tensor") == nil && PickleGlobal(module: "torch", name: "FloatStorage") != nil)
        #expect(PickleGlobal(module: "torch", name: "Storage") == nil)
    }

    @Test func deflatedEntriesReadLikeStoredOnes() throws {
        Self.expectEqual(try PyTorchCheckpoint.load(from: Self.url("deflated.pth")), Self.expected("sequential"))
    }

    @Test(arguments: ["sequential.pth", "views_legacy.pth", "dtypes_legacy.pth", "nested.pth"])
    func everyTruncationGivesATypedError(_ file: String) throws {
        let data = try Data(contentsOf: Self.url(file))
        for length in stride(from: 0, to: data.count, by: max(1, data.count / 300)) {
            #expect(Self.error(data.prefix(length)) != nil, "\(file) cut to \(length) bytes loaded")
        }
    }

    @Test(arguments: ["views_zip.pth", "views_legacy.pth"])
    func everyFlippedByteGivesTensorsOrATypedError(_ file: String) throws {
        let data = try Data(contentsOf: Self.url(file))
        for i in 0..<data.count {
            var copy = data
            copy[i] ^= 0xFF
            _ = Self.error(copy)  // records an issue for an untyped error; a trap would crash the test
        }
    }

    @Test func safetensorsSharesTheConversions() throws {
        // F16 1.5 = 0x3E00, BF16 -2 = 0xC000, I8 [-3, 7], I16 -300 = 0xFED4.
        let header = #"{"h": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}, "b": {"dtype": "BF16", "shape": [1], "data_offsets": [2, 4]}, "i": {"dtype": "I8", "shape": [2], "data_offsets": [4, 6]}, "s": {"dtype": "I16", "shape": [1], "data_offsets": [6, 8]}}"#
        var data = HostileSafeTensorsTests.file(header, dataBytes: 0)
        data.append(contentsOf: [0x00, 0x3E, 0x00, 0xC0, 0xFD, 0x07, 0xD4, 0xFE])
        let tensors = try SafeTensors.loadWithMetadata(data: data).tensors
        #expect(tensors["h"]?.toArray() == [1.5] && tensors["b"]?.toArray() == [-2])
        #expect(tensors["i"]?.toArray(as: Int64.self) == [-3, 7] && tensors["s"]?.toArray(as: Int64.self) == [-300])
    }

    // MARK: Writing

    @Test func savedCheckpointsReadBackWithTheirViews() throws {
        let base = Tensor.arange(0, 12).view(3, 4)
        let tensors: [String: Tensor] = [
            "w": base, "wt": base.t(), "row": base[1], "labels": Tensor(shape: [3], scalars: [Int64(-4), 0, 1 << 40]),
            "mask": Tensor(shape: [2], scalars: [true, false]), "scalar": Tensor(2.5), "empty": Tensor.zeros([0, 3]),
            "pixels": Tensor(shape: [2, 2], scalars: [UInt8(0), 7, 200, 255]),
        ]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-pth-\(UUID().uuidString).pth")
        defer { try? FileManager.default.removeItem(at: url) }
        try PyTorchCheckpoint.save(tensors, to: url)
        let loaded = try PyTorchCheckpoint.load(from: url, options: .exact)
        Self.expectEqual(loaded, tensors.mapValues { $0.contiguous() })
        // One storage for w, wt and row, as torch.save keeps views.
        #expect(loaded["w"]?.sharesStorage(with: loaded["row"]!) == true && loaded["row"]?.storageOffset == 4)
        let bytes = try Data(contentsOf: url)
        #expect(bytes.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
    }

    // MARK: The unpickler on hand-made pickles

    /// The error unpickling `bytes` as a zip checkpoint's data.pkl gives, as text.
    static func pickleError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try PyTorchCheckpoint.unpickleKeys(Data(bytes), source: "p.pkl")
            return nil
        } catch let error as PthError {
            return error.description
        } catch {
            return "untyped: \(error)"
        }
    }

    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// `_rebuild_tensor_v2(storage of `count` floats, offset, (size,), (stride,), False, ())` in a dict.
    static func tensorPickle(count: UInt8, offset: UInt8, size: UInt8, stride: UInt8, type: String = "FloatStorage") -> [UInt8] {
        [0x80, 0x02, 0x7D, 0x58, 1, 0, 0, 0] + ascii("w") + [0x63] + ascii("torch._utils\n_rebuild_tensor_v2\n")
            + [0x28, 0x28, 0x58, 7, 0, 0, 0] + ascii("storage") + [0x63] + ascii("torch\n\(type)\n")
            + [0x58, 1, 0, 0, 0] + ascii("0") + [0x58, 3, 0, 0, 0] + ascii("cpu") + [0x4B, count, 0x74, 0x51]
            + [0x4B, offset, 0x4B, size, 0x85, 0x4B, stride, 0x85, 0x89, 0x29, 0x74, 0x52, 0x73, 0x2E]
    }

    @Test func tensorsMustLieInsideTheirStorage() {
        #expect(Self.pickleError(Self.tensorPickle(count: 4, offset: 0, size: 4, stride: 1)) == nil)
        #expect(Self.pickleError(Self.tensorPickle(count: 4, offset: 1, size: 4, stride: 1))?.contains("reaches element 4 of a storage of 4") == true)
        #expect(Self.pickleError(Self.tensorPickle(count: 4, offset: 0, size: 3, stride: 2))?.contains("reaches element 4") == true)
        #expect(Self.pickleError(Self.tensorPickle(count: 0, offset: 9, size: 0, stride: 1)) == nil)
        // An expanded view (stride 0) reads one element many times and is copied.
        #expect(Self.pickleError(Self.tensorPickle(count: 1, offset: 0, size: 200, stride: 0)) == nil)
    }

    @Test func storagesWithoutAnEmberDtypeAreRefused() {
        let message = Self.pickleError(Self.tensorPickle(count: 4, offset: 0, size: 4, stride: 1, type: "ComplexFloatStorage"))
        #expect(message?.contains("storage type torch.ComplexFloatStorage has no Ember dtype") == true, "\(message ?? "accepted")")
    }

    @Test func memoisedListsCopiedIntoSetsAreCharged() {
        // l = [None] * 60000 memoised, then set(l) 200 times: quadratic in the input unless charged.
        var bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x28] + [UInt8](repeating: 0x4E, count: 60_000) + [0x65, 0x30]
        for _ in 0..<200 { bytes += [0x63] + Self.ascii("builtins\nset\n") + [0x68, 0x00, 0x85, 0x52, 0x30] }
        bytes += [0x7D, 0x2E]
        #expect(Self.pickleError(bytes)?.contains("too much work") == true)
    }

    @Test(arguments: [
        ([0x80, 0x02, 0x68, 0x05, 0x2E], "memo entry 5 read before it was written"),
        ([0x80, 0x02, 0x2E], "stack underflow"),
        ([0x80, 0x02, 0x4E, 0x74, 0x2E], "no MARK"),
        ([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x61], "exceeds the 1 left"),
        ([0x80, 0x02, 0x8D, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "exceeds the 0 left"),
        ([0x80, 0x02, 0x5D, 0x4E, 0x4E, 0x73, 0x2E], "SETITEM on a list"),
        ([0x80, 0x02, 0x7D, 0x5D, 0x4E, 0x73, 0x2E], "dict key of type list"),
        ([0x80, 0x02, 0x69], "unsupported pickle opcode 0x69"),
        ([0x80, 0x06], "protocol 6"),
        ([0x80, 0x02, 0x4E], "before its STOP"),
        ([0x80, 0x02, 0x63] + Array("os\nsystem".utf8), "not ended by a newline"),
        ([0x80, 0x02, 0x4B, 0x01, 0x2E], "holds a int"),
    ] as [([UInt8], String)])
    func malformedPicklesGiveTypedErrors(_ bytes: [UInt8], _ problem: String) {
        let message = Self.pickleError(bytes)
        #expect(message?.contains(problem) == true, "\(message ?? "accepted")")
    }

    @Test func nestingAndCyclesAreBounded() {
        let deepTuples: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 200) + [0x2E]
        #expect(Self.pickleError(deepTuples)?.contains("nest deeper than 100") == true)
        // d = {}; d["d"] = d
        let cycle: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x58, 1, 0, 0, 0] + Self.ascii("d") + [0x68, 0x00, 0x73, 0x2E]
        #expect(Self.pickleError(cycle)?.contains("contain themselves") == true)
        let deepMarks: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x28, count: 20_000)
        #expect(Self.pickleError(deepMarks)?.contains("MARKs nest deeper") == true)
    }

    @Test func long1DecodesTwosComplement() {
        #expect(Unpickler.long(Data()) == .int(0))
        #expect(Unpickler.long(Data([0xFF])) == .int(-1))
        #expect(Unpickler.long(Data([0x00, 0x80, 0x00])) == .int(32768))
        #expect(Unpickler.long(Data([0xFF, 0x7F, 0xFF, 0xFF])) == .int(-32769))
        #expect(Unpickler.long(Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])) == .int(Int.max))
        #expect(Unpickler.long(Data([0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19])) == .bigInt(PthLegacy.magic))
    }

    @Test func bytesOfNeitherFormatAreRefused() {
        #expect(Self.error(Data("hello".utf8))?.description.contains("neither a zip archive nor a pickle") == true)
    }
}
