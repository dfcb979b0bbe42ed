/// Variable bindings of one scope. A class, because closures share the scope they captured:
/// a function defined in a loop sees later updates to the variables around it.
public final class Environment {
    public let parent: Environment?
    private(set) var bindings: [String: Value] = [:]

    public init(parent: Environment? = nil) {
        self.parent = parent
    }

    public func lookup(_ name: String) -> Value? {
        if let v = bindings[name] { return v }
        return parent?.lookup(name)
    }

    /// Defines or overwrites `name` in this scope.
    public func define(_ name: String, _ value: Value) {
        bindings[name] = value
    }

    /// Assignment updates the nearest scope that already has the name, else defines it here.
    public func assign(_ name: String, _ value: Value) {
        var scope: Environment? = self
        while let s = scope {
            if s.bindings[name] != nil {
                s.bindings[name] = value
                return
            }
            scope = s.parent
        }
        bindings[name] = value
    }

    /// Every name visible from here, for completion and suggestions.
    public var visibleNames: Set<String> {
        var names = Set(bindings.keys)
        if let parent { names.formUnion(parent.visibleNames) }
        return names
    }

    public var localNames: [String] { bindings.keys.sorted() }
}
