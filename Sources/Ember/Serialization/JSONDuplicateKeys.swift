import Foundation

/// Finds a key that appears twice in one JSON object. `JSONSerialization` silently keeps
/// one of the two values, so a file could show Ember one tensor and another reader a
/// different one; safetensors' own reader refuses such headers, and so does Ember.
///
/// The scan reads text that `JSONSerialization` has already accepted, in file order,
/// without building values and without recursion (nesting depth costs no stack).
enum JSONDuplicateKeys {
    /// The first key, in file order, that repeats within its object, and the keys leading
    /// to that object (empty for the top level; an array element adds nothing).
    static func first(in json: Data) -> (key: String, path: [String])? {
        json.withUnsafeBytes { scan(Array($0.bindMemory(to: UInt8.self))) }
    }

    private struct Container {
        /// Keys seen so far; nil for an array.
        var keys: Set<String>?
        /// The key this container is the value of, if its parent is an object.
        let name: String?
    }

    private static func scan(_ bytes: [UInt8]) -> (key: String, path: [String])? {
        var stack: [Container] = []
        var expectingKey = false
        var lastKey: String?
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"):
                stack.append(Container(keys: [], name: stack.last?.keys != nil ? lastKey : nil))
                expectingKey = true
            case UInt8(ascii: "["):
                stack.append(Container(keys: nil, name: stack.last?.keys != nil ? lastKey : nil))
                expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
                expectingKey = false
            case UInt8(ascii: ","):
                expectingKey = stack.last?.keys != nil
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                var escaped = false
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") {
                        escaped = true
                        i += 1
                    }
                    i += 1
                }
                guard expectingKey, i < bytes.count else { break }
                let key = decodeString(bytes[start...i], escaped: escaped)
                if stack[stack.count - 1].keys?.insert(key).inserted == false {
                    return (key, stack.compactMap(\.name))
                }
                lastKey = key
                expectingKey = false
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// A string token (quotes included) as the key `JSONSerialization` made of it, so that
    /// `"a"` and `"\u0061"` count as the same key.
    private static func decodeString(_ token: ArraySlice<UInt8>, escaped: Bool) -> String {
        let body = String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
        guard escaped else { return body }
        return (try? JSONSerialization.jsonObject(with: Data(token), options: .fragmentsAllowed)) as? String ?? body
    }
}
