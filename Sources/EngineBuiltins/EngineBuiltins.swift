import NasCore
import NasFiles
import NasLang
import NasNN
import NasSearch

/// The engine's capabilities as language builtins. The language knows none of this: the
/// command line composes the standard registry with these.
public enum EngineBuiltins {
    public static func register(into registry: inout BuiltinRegistry) {
        DatasetBuiltins.register(into: &registry)
        ModelBuiltins.register(into: &registry)
        TrainingBuiltins.register(into: &registry)
        CostBuiltins.register(into: &registry)
        CompressBuiltins.register(into: &registry)
        QuantizeBuiltins.register(into: &registry)
        ExportBuiltins.register(into: &registry)
        OptimizeBuiltins.register(into: &registry)
        SearchBuiltins.register(into: &registry, session: SearchSession())
        PlotBuiltins.register(into: &registry)
        ResultTable.register(into: &registry)
        KnobDomain.register(into: &registry)
    }
}

extension BuiltinRegistry {
    /// The standard builtins plus the engine's: what `nasbook` runs programs with.
    public static func withEngine() -> BuiltinRegistry {
        var registry = BuiltinRegistry.standard()
        EngineBuiltins.register(into: &registry)
        return registry
    }
}

extension BuiltinCall {
    /// The argument if given (not none).
    func optional(_ parameter: String) -> Value? {
        if case .none = self[parameter] { return nil }
        return self[parameter]
    }

    func optionalInteger(_ parameter: String) throws -> Int? {
        optional(parameter) == nil ? nil : try integer(parameter)
    }

    /// Refuses allocations above `MemoryEstimate.limitBytes` (4 GB unless changed) with a message
    /// instead of letting the process die.
    func requireMemory(_ floats: Int, for what: String) throws {
        let bytes = Double(floats) * 4
        guard bytes <= MemoryEstimate.limitBytes else {
            throw error("\(name): \(what) would need \(Quantity(value: bytes, dimension: .memory).description), more than the \(MemoryEstimate.limitDescription)")
        }
    }

    /// Refuses a training whose tensors would not fit the memory limit, before allocating them.
    func requireTrainingMemory(_ model: Model, batch: Int, at parameter: String = "batch") throws {
        if let problem = MemoryEstimate.trainingProblem(model, batch: batch) {
            throw error("\(name): \(problem)", at: parameter)
        }
    }

    /// The seed argument, reported to the context so a session records it.
    func seed(_ parameter: String = "seed") throws -> UInt64 {
        let v = try integer(parameter)
        guard v >= 0 else { throw error("\(name): '\(parameter)' must not be negative", at: parameter) }
        context.seedDrawn(UInt64(v), by: name)
        return UInt64(v)
    }

    func bool(_ parameter: String) throws -> Bool {
        guard case .bool(let b) = self[parameter] else {
            throw error("\(name): '\(parameter)' must be true or false, not \(self[parameter].typeName)", at: parameter)
        }
        return b
    }

    /// A path argument to read, relative to the directory of the file that made the call,
    /// checked against the trust boundary (the error points at the argument).
    func path(_ parameter: String) throws -> String {
        try checked(try string(parameter), .read, at: parameter)
    }

    /// A path argument to write (an export, a plot), checked against the trust boundary.
    func writablePath(_ parameter: String) throws -> String {
        try checked(try string(parameter), .write, at: parameter)
    }

    /// `path` made relative to the calling file and checked for `use`; the resolved path
    /// (symlinks and `..` applied) is what the caller opens.
    func checked(_ path: String, _ use: FileAccess.Use, at parameter: String) throws -> String {
        let absolute = Self.resolve(path, from: span)
        do {
            _ = try context.fileAccess.check(path, for: use, relativeTo: span.file.directory)
        } catch let refused as FileAccessError {
            throw error("\(name): \(refused)", at: parameter)
        }
        return absolute
    }

    /// `path` relative to the directory of the file `span` is in (`~` is the home folder);
    /// absolute paths are unchanged.
    static func resolve(_ path: String, from span: SourceSpan) -> String {
        let path = FileAccess.expandingTilde(path)
        guard !path.hasPrefix("/"), let directory = span.file.directory else { return path }
        return directory + "/" + path
    }
}
