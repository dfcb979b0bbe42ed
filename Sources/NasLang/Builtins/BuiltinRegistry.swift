/// The set of builtins a session can call. Engine parts contribute theirs by registering
/// into a registry before the interpreter starts; the language core never imports them.
public struct BuiltinRegistry {
    public private(set) var builtins: [String: Builtin] = [:]

    public init() {}

    /// Adds a builtin; a later registration under the same name replaces the earlier one.
    public mutating func register(_ builtin: Builtin) {
        builtins[builtin.name] = builtin
    }

    public func lookup(_ name: String) -> Builtin? { builtins[name] }

    /// Values bound in every global scope: plain builtins as functions, dotted builtins
    /// (`dataset.shapes`) grouped into namespace records (`dataset`).
    func globalValues() -> [(String, Value)] {
        var plain: [(String, Value)] = []
        var namespaces: [String: Record] = [:]
        for name in builtins.keys.sorted() {
            let builtin = builtins[name]!
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                namespaces[parts[0], default: Record(kind: "module \(parts[0])")][parts[1]] = .function(.builtin(builtin))
            } else {
                plain.append((name, .function(.builtin(builtin))))
            }
        }
        return plain + namespaces.keys.sorted().map { ($0, .record(namespaces[$0]!)) }
    }

    /// The core library: printing, conversion, math, collections and hardware descriptions.
    public static func standard() -> BuiltinRegistry {
        var registry = BuiltinRegistry()
        CoreBuiltins.register(into: &registry)
        return registry
    }
}
