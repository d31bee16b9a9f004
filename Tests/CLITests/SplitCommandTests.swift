import Foundation
import Testing

/// `ember split` on folders of tiny fake image files (split never decodes them).
@Suite(.serialized)
struct SplitCommandTests {
    /// A throw-away folder under the temporary directory.
    struct Folder {
        let root: URL

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-split-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }

        /// Writes a few bytes at `path` (relative to the root), making folders as needed.
        func write(_ path: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(path.utf8).write(to: url)
        }

        /// Sorted names in `path` (relative to the root).
        func names(_ path: String = "") throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(path).path).sorted()
        }

        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) }

        func inode(_ path: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
            return (attributes[.systemFileNumber] as! NSNumber).intValue
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// Dogs vs Cats in miniature: `cats` cat.<i>.jpg and `dogs` dog.<i>.jpg, plus files split ignores.
    static func flatPets(cats: Int = 10, dogs: Int = 8) throws -> Folder {
        let folder = try Folder()
        for i in 0..<cats { try folder.write("cat.\(i).jpg") }
        for i in 0..<dogs { try folder.write("dog.\(i).JPEG") }
        try folder.write("notes.txt")
        try folder.write(".hidden.1.jpg")
        return folder
    }

    @Test func flatLayoutSplitsEachClass() throws {
        let pets = try Self.flatPets()
        defer { pets.remove() }
        let result = try Ember.run(["split", pets.root.path, "--valid", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("training: cat 7, dog 5"), "\(result.stdout)")
        #expect(result.stdout.contains("validation: cat 3, dog 3"), "\(result.stdout)")
        #expect(try pets.names("training") == ["cat", "dog"])
        #expect(try pets.names("validation") == ["cat", "dog"])
        let training = try pets.names("training/cat"), validation = try pets.names("validation/cat")
        #expect(training.count == 7 && validation.count == 3)
        #expect(Set(training).isDisjoint(with: validation))
        #expect(Set(training + validation) == Set((0..<10).map { "cat.\($0).jpg" }))
        #expect(try pets.names("validation/dog").allSatisfy { $0.hasPrefix("dog.") && $0.hasSuffix(".JPEG") })
        // Copying keeps the sources, and nothing else is left behind.
        #expect(pets.exists("cat.0.jpg") && pets.exists("dog.7.JPEG"))
        #expect(try pets.names().filter { $0.hasPrefix(".") } == [".hidden.1.jpg"])
    }

    @Test func copiesAreHardLinks() throws {
        let pets = try Self.flatPets(cats: 4, dogs: 4)
        defer { pets.remove() }
        let result = try Ember.run(["split", pets.root.path, "--valid", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("hard-linked"), "\(result.stdout)")
        for split in ["training", "validation"] {
            for name in try pets.names("\(split)/cat") {
                #expect(try pets.inode("\(split)/cat/\(name)") == pets.inode(name))
            }
        }
    }

    @Test func classSubFoldersSplitIntoTrainingAndValidation() throws {
        let folder = try Folder()
        defer { folder.remove() }
        for i in 0..<6 { try folder.write("ant/\(i).png") }
        for i in 0..<4 { try folder.write("bee/b\(i).tif") }
        try folder.write("bee/readme.md")
        try folder.write("empty/nothing.txt")
        let result = try Ember.run(["split", folder.root.path, "--valid", "2", "--seed", "7"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("training: ant 4, bee 2"), "\(result.stdout)")
        #expect(result.stdout.contains("validation: ant 2, bee 2"), "\(result.stdout)")
        #expect(try folder.names("training") == ["ant", "bee"])
        #expect(try Set(folder.names("training/ant") + folder.names("validation/ant")) == Set((0..<6).map { "\($0).png" }))
        #expect(try folder.names("ant").count == 6, "copying leaves the class folders as they were")
    }

    @Test func validFractionRoundsToNearest() throws {
        let pets = try Self.flatPets(cats: 10, dogs: 5)
        defer { pets.remove() }
        // 10 * 0.25 = 2.5 rounds to 3, 5 * 0.25 = 1.25 to 1.
        let result = try Ember.run(["split", pets.root.path, "--valid-fraction", "0.25"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("training: cat 7, dog 4"), "\(result.stdout)")
        #expect(result.stdout.contains("validation: cat 3, dog 1"), "\(result.stdout)")
        #expect(try pets.names("validation/dog").count == 1)
    }

    @Test func moveRenamesTheSources() throws {
        let pets = try Self.flatPets(cats: 5, dogs: 5)
        defer { pets.remove() }
        let inode = try pets.inode("cat.0.jpg")
        let result = try Ember.run(["split", pets.root.path, "--valid", "2", "--move"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try pets.names() == [".hidden.1.jpg", "notes.txt", "training", "validation"])
        let place = try pets.names("training/cat").contains("cat.0.jpg") ? "training" : "validation"
        #expect(try pets.inode("\(place)/cat/cat.0.jpg") == inode)

        let folder = try Folder()
        defer { folder.remove() }
        for i in 0..<3 { try folder.write("ant/\(i).png") }
        for i in 0..<3 { try folder.write("bee/\(i).png") }
        try folder.write("bee/keep.txt")
        let moved = try Ember.run(["split", folder.root.path, "--valid", "1", "--move"])
        #expect(moved.status == 0, "\(moved.stderr)")
        // An emptied class folder goes; one still holding other files stays.
        #expect(try folder.names() == ["bee", "training", "validation"])
        #expect(try folder.names("bee") == ["keep.txt"])
        #expect(try folder.names("training/ant").count == 2 && folder.names("validation/bee").count == 1)
    }

    @Test func theSeedDecidesTheSplit() throws {
        func validation(seed: Int) throws -> [String] {
            let pets = try Self.flatPets(cats: 20, dogs: 20)
            defer { pets.remove() }
            let result = try Ember.run(["split", pets.root.path, "--valid", "5", "--seed", "\(seed)"])
            #expect(result.status == 0, "\(result.stderr)")
            return try pets.names("validation/cat") + pets.names("validation/dog")
        }
        let first = try validation(seed: 3), again = try validation(seed: 3), other = try validation(seed: 4)
        #expect(first.count == 10)
        #expect(first == again)
        #expect(first != other)
        // The default seed is 0, and the order the files were made in does not matter.
        let reversed = try Folder()
        defer { reversed.remove() }
        for i in (0..<20).reversed() { try reversed.write("dog.\(i).JPEG") }
        for i in (0..<20).reversed() { try reversed.write("cat.\(i).jpg") }
        #expect(try Ember.run(["split", reversed.root.path, "--valid", "5"]).status == 0)
        #expect(try reversed.names("validation/cat") + reversed.names("validation/dog") == validation(seed: 0))
    }

    @Test func refusesWhatItCannotDo() throws {
        let pets = try Self.flatPets(cats: 4, dogs: 2)
        defer { pets.remove() }
        func refusal(_ arguments: [String], _ message: String) throws {
            let result = try Ember.run(["split"] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        try refusal([pets.root.path], "--valid N or --valid-fraction F")
        try refusal([pets.root.path, "--valid", "1", "--valid-fraction", "0.5"], "only one of")
        try refusal([pets.root.path, "--valid-fraction", "1.5"], "between 0 and 1")
        try refusal([pets.root.path, "--valid=-1"], "0 or more")
        try refusal([pets.root.path, "--valid", "3"], "class dog")
        #expect(try !pets.exists("training") && pets.names().count == 8, "a refusal touches nothing")
        try refusal([pets.root.appendingPathComponent("missing").path, "--valid", "1"], "no such folder")

        let empty = try Folder()
        defer { empty.remove() }
        try empty.write("readme.txt")
        try empty.write("sub/notes.csv")
        try refusal([empty.root.path, "--valid", "1"], "no image files in \(empty.root.path)")
        try empty.write("cat.1.png")
        try empty.write("dog/1.png")
        try refusal([empty.root.path, "--valid", "1"], "both image files and class sub-folders")

        #expect(try Ember.run(["split", pets.root.path, "--valid", "1"]).status == 0)
        let before = try pets.names("training/cat")
        try refusal([pets.root.path, "--valid", "1"], "training already exists")
        #expect(try pets.names("training/cat") == before)
        try FileManager.default.removeItem(at: pets.root.appendingPathComponent("training"))
        try refusal([pets.root.path, "--valid", "1"], "validation already exists")
    }
}
