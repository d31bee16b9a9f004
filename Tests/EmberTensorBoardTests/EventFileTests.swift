import Ember
import Foundation
import Testing
@testable import EmberTensorBoard

/// The record framing, the reader's checks on damaged files, and the writer's queue,
/// purge step and errors.
struct EventFileTests {
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ember-tb-\(UUID().uuidString)")
    }

    @Test func crc32cGivesTheStandardCheckValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    }

    @Test func writtenEventsReadBackInOrder() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try SummaryWriter(logDir: folder, purgeStep: 5)
        try writer.addScalar("loss", 0.5, globalStep: 5)
        try writer.addText("note", "hello", globalStep: 6)
        try writer.close()
        let events = try EventFileReader.read(contentsOf: writer.file)
        #expect(events.map(\.step) == [0, 5, 5, 5, 6])
        #expect(events[0].fileVersion == "brain.Event:2" && events[1].fileVersion == "brain.Event:2")
        #expect(events[2].purgesLaterSteps && !events[3].purgesLaterSteps)
        #expect(events[3].values == [SummaryValue(tag: "loss", pluginName: nil, pluginContent: Data(), content: .scalar(0.5))])
        #expect(events[4].values.first?.content == .strings(["hello"]))
        #expect(events[4].values.first?.tag == "note/text_summary")
    }

    @Test func eventsWaitInTheQueueUntilFlushed() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try SummaryWriter(logDir: folder, maxQueue: 3)
        try writer.addScalar("a", 1, globalStep: 1)
        try writer.addScalar("a", 2, globalStep: 2)
        #expect(try EventFileReader.read(contentsOf: writer.file).count == 1)
        try writer.addScalar("a", 3, globalStep: 3)
        #expect(try EventFileReader.read(contentsOf: writer.file).count == 4)
        try writer.addScalar("a", 4, globalStep: 4)
        try writer.flush()
        #expect(try EventFileReader.read(contentsOf: writer.file).count == 5)
        try writer.close()
    }

    /// One valid record, then each kind of damage at the second record's offset.
    @Test func damagedFilesGiveTypedErrorsWithTheirOffset() throws {
        var event = Tensorboard_Event()
        event.fileVersion = "brain.Event:2"
        let record = RecordFile.frame(try event.serializedData())
        let offset = record.count
        func reason(_ bytes: Data) -> String? {
            do {
                _ = try EventFileReader.read(bytes, file: "x")
                return nil
            } catch let TensorBoardError.corruptRecord(file, at, reason) {
                #expect(file == "x" && at == offset)
                return reason
            } catch let TensorBoardError.invalidEvent(_, at, _) {
                #expect(at == offset)
                return "not an event"
            } catch {
                Issue.record("unexpected \(error)")
                return nil
            }
        }
        #expect(reason(record + record) == nil)
        #expect(reason(record + record.prefix(7))?.contains("header") == true)
        var badLength = record
        badLength[8] ^= 1
        #expect(reason(record + badLength)?.contains("length's checksum") == true)
        var badData = record
        badData[record.count - 1] ^= 1
        #expect(reason(record + badData)?.contains("data's checksum") == true)
        #expect(reason(record + record.dropLast(1))?.contains("file ends") == true)
        var huge = Data(repeating: 0xFF, count: 8)
        huge.append(contentsOf: withUnsafeBytes(of: CRC32C.masked(huge).littleEndian) { Array($0) })
        #expect(reason(record + huge + Data(count: 8))?.contains("exceeds the limit") == true)
        #expect(reason(record + RecordFile.frame(Data([0xFF, 0xFF, 0xFF]))) == "not an event")
    }

    @Test func valuesItCannotWriteAreNamedInTheError() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try SummaryWriter(logDir: folder)
        #expect(throws: TensorBoardError.invalidValue(tag: "h", reason: "a histogram's values must be finite")) {
            try writer.addHistogram("h", Tensor([1, .nan]))
        }
        #expect(throws: TensorBoardError.invalidValue(tag: "h", reason: "the histogram's input has no element")) {
            try writer.addHistogram("h", Tensor.zeros([0]))
        }
        #expect(throws: TensorBoardError.self) { try writer.addImage("i", Tensor.zeros([2, 4, 4])) }
        #expect(throws: TensorBoardError.self) { try writer.addImage("i", Tensor.zeros([3, 4, 4]), dataformats: "HW") }
        #expect(throws: TensorBoardError.self) { try writer.addImages("i", Tensor.zeros([2, 4, 4, 4])) }
        try writer.close()
    }

    @Test func anUnwritableFolderIsAnIOError() throws {
        let file = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("not a folder".utf8).write(to: file)
        #expect {
            try SummaryWriter(logDir: file.appendingPathComponent("run"))
        } throws: { error in
            if case TensorBoardError.io(let path, _) = error { return path.hasSuffix("run") }
            return false
        }
    }
}
