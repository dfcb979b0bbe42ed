/// Something callable: a user function (closure) or a builtin from the registry.
public enum Function {
    case closure(Closure)
    case builtin(Builtin)

    public var name: String {
        switch self {
        case .closure(let c): return c.declaration.name?.text ?? "fn"
        case .builtin(let b): return b.name
        }
    }

    public var parameterNames: [String] {
        switch self {
        case .closure(let c): return c.declaration.parameters.map(\.name.text)
        case .builtin(let b): return b.parameters.map(\.name)
        }
    }
}

public struct Closure {
    public let declaration: FunctionDecl
    public let environment: Environment
}
