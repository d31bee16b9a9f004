/// Printing a module like PyTorch's `repr(module)`:
///
/// ```
/// Sequential(
///   (0): Linear(in_features=784, out_features=300, bias=True)
///   (1): ReLU()
/// )
/// ```
extension Module {
    /// The module tree: the class name, `extraRepr`, and each child indented by two spaces.
    /// Array properties print as a `ModuleList` whose runs of identical children are
    /// compressed (`(0-2): 3 x Linear(...)`), as PyTorch prints them.
    public var description: String {
        var childLines: [String] = []
        for case .children(let property, let isList, let held) in members where !held.isEmpty {
            if isList {
                let prefix = property.count + 1
                let list = Self.moduleListDescription(held.map { (String($0.key.dropFirst(prefix)), $0.module) })
                childLines.append("(\(property)): \(Self.indented(list))")
            } else {
                childLines += held.map { "(\($0.key)): \(Self.indented($0.module.description))" }
            }
        }
        return Self.block(typeName, extraLines: extraRepr.isEmpty ? [] : extraRepr.split(separator: "\n").map(String.init),
                          childLines: childLines)
    }

    /// `Name(extra)` on one line, or the extra and child lines indented within `Name(...)`.
    private static func block(_ name: String, extraLines: [String], childLines: [String]) -> String {
        let lines = extraLines + childLines
        if lines.isEmpty { return "\(name)()" }
        if extraLines.count == 1 && childLines.isEmpty { return "\(name)(\(extraLines[0]))" }
        return "\(name)(\n  " + lines.joined(separator: "\n  ") + "\n)"
    }

    private static func moduleListDescription(_ items: [(name: String, module: Module)]) -> String {
        var runs: [(first: String, last: String, count: Int, text: String)] = []
        for (name, module) in items {
            let text = module.description
            if let last = runs.last, last.text == text {
                runs[runs.count - 1] = (last.first, name, last.count + 1, text)
            } else {
                runs.append((name, name, 1, text))
            }
        }
        let lines = runs.map { run in
            indented(run.count == 1 ? "(\(run.first)): \(run.text)" : "(\(run.first)-\(run.last)): \(run.count) x \(run.text)")
        }
        return block("ModuleList", extraLines: [], childLines: lines)
    }

    /// Indents every line but the first by two spaces (PyTorch's `_addindent`).
    static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 ? String($0.element) : "  " + $0.element }
            .joined(separator: "\n")
    }
}

/// A flag as Python prints it, for `extraRepr`.
func pythonBool(_ flag: Bool) -> String { flag ? "True" : "False" }
