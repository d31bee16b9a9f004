import Synchronization

/// How a `Module` finds its parameters, buffers and children: by `Mirror` reflection over
/// its stored properties, from the base class down, in declaration order.
///
/// Which properties matter and their state-dict keys depend only on the class, so they are
/// worked out once per dynamic type and cached; the values are read afresh on every call,
/// which is what makes `model.fc = Linear(512, 2)` take effect at once.
extension Module {
    /// One registered member of a module, with its key relative to the module.
    enum Member {
        case parameter(String, Tensor)
        case buffer(String, Tensor)
        /// The modules of one property: a module, an optional one, or an array of them
        /// (keys `name.0`, `name.1`, ...). Nil slots are skipped.
        case children(property: String, isList: Bool, [(key: String, module: Module)])

        /// The key of a tensor, or the property name of children.
        var key: String {
            switch self {
            case .parameter(let key, _), .buffer(let key, _), .children(let key, _, _): key
            }
        }
    }

    /// The module's members in registration order: reflected properties, then modules
    /// added with `addModule`.
    var members: [Member] {
        var result: [Member] = []
        let layout = ModuleLayout.of(self)
        for (mirror, fields) in zip(Self.mirrorChain(of: self), layout.levels) {
            let values = Array(mirror.children)
            for field in fields {
                let value = values[field.index].value
                switch field.kind {
                case .tensor:
                    let property = value as! any ModuleTensorProperty
                    guard let tensor = property.tensor else { continue }
                    result.append(property.isBuffer ? .buffer(field.key, tensor) : .parameter(field.key, tensor))
                case .modules:
                    let holder = value as! any ModuleHolder
                    result.append(.children(property: field.key, isList: type(of: holder).holdsList,
                                            holder.heldModules(key: field.key)))
                }
            }
        }
        for (name, module) in addedModules {
            result.append(.children(property: name, isList: false, [(name, module)]))
        }
        return result
    }

    /// Mirrors of this object's class chain, from the class just below `Module` down to the
    /// dynamic type.
    fileprivate static func mirrorChain(of module: Module) -> [Mirror] {
        var chain: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: module)
        while let current = mirror, current.subjectType != Module.self {
            chain.append(current)
            mirror = current.superclassMirror
        }
        return chain.reversed()
    }
}

/// The cached, per-class part of reflection: which stored properties are parameters,
/// buffers or modules, and their keys.
struct ModuleLayout: Sendable {
    struct Field: Sendable {
        enum Kind: Sendable { case tensor, modules }
        /// Position among the mirror's children at this class level.
        let index: Int
        let key: String
        let kind: Kind
    }

    /// One list per class level, base class first.
    let levels: [[Field]]

    private static let cache = Mutex<[ObjectIdentifier: ModuleLayout]>([:])
    private static let lazyPrefix = "$__lazy_storage_$_"

    static func of(_ module: Module) -> ModuleLayout {
        let type = ObjectIdentifier(Swift.type(of: module))
        if let cached = cache.withLock({ $0[type] }) { return cached }
        let layout = ModuleLayout(levels: Module.mirrorChain(of: module).map(fields))
        cache.withLock { $0[type] = layout }
        return layout
    }

    private static func fields(of mirror: Mirror) -> [Field] {
        var fields: [Field] = []
        var seen: [String: String] = [:]
        // The overrides of the class at this level (a subclass's own are read at its level).
        let overrides = (mirror.subjectType as? Module.Type)?.keyOverrides ?? [:]
        for (index, child) in mirror.children.enumerated() {
            guard let label = child.label else { continue }
            let field: Field
            if let property = child.value as? any ModuleTensorProperty {
                // A property wrapper's storage is labelled `_name`.
                let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
                field = Field(index: index, key: property.explicitName ?? overrides[name] ?? snakeCase(name), kind: .tensor)
            } else if child.value is any ModuleHolder {
                // A `lazy var`'s storage is labelled `$__lazy_storage_$_name`.
                let name = label.hasPrefix(lazyPrefix) ? String(label.dropFirst(lazyPrefix.count)) : label
                field = Field(index: index, key: overrides[name] ?? snakeCase(name), kind: .modules)
            } else {
                continue
            }
            if let other = seen.updateValue(label, forKey: field.key) {
                preconditionFailure("Module \(mirror.subjectType): properties '\(other)' and '\(label)' both map to the key '\(field.key)'; give one an explicit name")
            }
            fields.append(field)
        }
        return fields
    }
}

/// `runningMean` → `running_mean`, `weightIH` → `weight_ih`, `fc2Weight` → `fc2_weight`;
/// names without capitals are kept.
func snakeCase(_ name: String) -> String {
    let chars = Array(name)
    var out = ""
    for (i, ch) in chars.enumerated() {
        if ch.isUppercase, i > 0 {
            let previous = chars[i - 1]
            let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
            if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                out.append("_")
            }
        }
        out.append(contentsOf: ch.lowercased())
    }
    return out
}

/// Stored properties that hold child modules: a module, an optional module, or an array of
/// either (nested arrays give keys like `blocks.0.1`).
protocol ModuleHolder {
    /// Whether the property is a list, printed like PyTorch's `ModuleList`.
    static var holdsList: Bool { get }
    /// The held modules with their keys, `key` being the property's own key.
    func heldModules(key: String) -> [(key: String, module: Module)]
}

extension Module: ModuleHolder {
    static var holdsList: Bool { false }
    func heldModules(key: String) -> [(key: String, module: Module)] { [(key, self)] }
}

extension Optional: ModuleHolder where Wrapped: ModuleHolder {
    static var holdsList: Bool { Wrapped.holdsList }
    func heldModules(key: String) -> [(key: String, module: Module)] { self?.heldModules(key: key) ?? [] }
}

extension Array: ModuleHolder where Element: ModuleHolder {
    static var holdsList: Bool { true }
    func heldModules(key: String) -> [(key: String, module: Module)] {
        enumerated().flatMap { i, element in element.heldModules(key: "\(key).\(i)") }
    }
}
