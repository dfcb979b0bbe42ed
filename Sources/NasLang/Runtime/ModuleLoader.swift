import Foundation
import NasFiles

/// Finds, runs and caches modules named by `use "name"`. A module is an ordinary .nas file;
/// what it defines becomes the members of a record bound to its name.
final class ModuleLoader {
    struct Module {
        let bindingName: String
        let record: Record
    }

    let searchPaths: [String]
    /// Checked before a module file is read; see `Interpreter.fileAccess`.
    var access = FileAccess.unrestricted
    private var cache: [String: Module] = [:]
    private var loading: Set<String> = []

    init(searchPaths: [String]) {
        self.searchPaths = searchPaths
    }

    /// The file `use "name"` refers to: next to the using file first, then the stdlib paths.
    /// A file never finds itself, so `examples/boards.nas` can `use "boards"` from the stdlib.
    func locate(_ name: String, from user: SourceFile) -> String? {
        let file = name.hasSuffix(".nas") ? name : name + ".nas"
        if file.hasPrefix("/") { return FileManager.default.fileExists(atPath: file) ? file : nil }
        let local = user.directory.map { [$0] } ?? [FileManager.default.currentDirectoryPath]
        let itself = URL(fileURLWithPath: user.name).standardizedFileURL.path
        for dir in local + searchPaths {
            let path = URL(fileURLWithPath: (dir as NSString).appendingPathComponent(file)).standardizedFileURL.path
            if path != itself, FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// `use "lib/helpers.nas"` binds `helpers`.
    static func bindingName(for path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".nas") ? String(file.dropLast(4)) : file
    }

    /// The names of every module `use` can find without a path, for hints.
    var availableModules: [String] {
        searchPaths.flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
                .filter { $0.hasSuffix(".nas") }.map { String($0.dropLast(4)) }
        }.sorted()
    }

    /// What a module binds, known without running it.
    struct Declaration {
        let bindingName: String
        let members: [String]
    }

    private var declared: [String: Declaration] = [:]
    private var declaring: Set<String> = []

    /// The file behind `use "name"`, read, with the name it binds; diagnostics at `span` when
    /// there is no such module or its file name is no valid name.
    private func source(of name: String, from span: SourceSpan) throws -> (path: String, bindingName: String, text: String) {
        let located = locate(name, from: span.file)
        // A module outside the boundary is refused as such, found or not, so a script learns
        // nothing about files it may not read.
        let named = located ?? (name.hasPrefix("/") ? name : nil)
        if let named {
            do { _ = try access.checkRead(named) } catch let refused as FileAccessError {
                throw Diagnostic("use: \(refused)", at: span)
            }
        }
        guard let path = located else {
            throw Diagnostic("no module named '\(name)'", at: span,
                             hint: Suggestions.hint(for: name, in: availableModules)
                                ?? "looked next to this file and in: \(searchPaths.joined(separator: ", "))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic("cannot read module '\(name)' at \(path)", at: span)
        }
        let bindingName = Self.bindingName(for: path)
        guard bindingName.first.map({ $0.isLetter || $0 == "_" }) == true,
              bindingName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw Diagnostic("module file name '\(bindingName)' is not a valid name", at: span,
                             hint: "rename the file to letters, digits and underscores")
        }
        return (path, bindingName, String(decoding: data, as: UTF8.self))
    }

    /// Parses and resolves a module (and the modules it uses) without running any of it, and
    /// names what it would bind: `check` and the resolver must never execute a module's code,
    /// which may train, search or write files.
    func declare(_ name: String, from span: SourceSpan, registry: BuiltinRegistry) throws -> Declaration {
        let (path, bindingName, text) = try source(of: name, from: span)
        if let module = cache[path] { return Declaration(bindingName: module.bindingName, members: module.record.keys) }
        if let declaration = declared[path] { return declaration }
        guard !declaring.contains(path), !loading.contains(path) else {
            throw Diagnostic("module '\(name)' uses itself (circular 'use')", at: span)
        }
        declaring.insert(path)
        defer { declaring.remove(path) }
        let file = SourceFile(name: path, text: text)
        let (statements, syntaxErrors) = Parser.parse(file)
        let builtins = Dictionary(registry.globalValues(), uniquingKeysWith: { a, _ in a })
        let builtinNames = Set(builtins.keys)
        let nameErrors = Resolver(known: builtinNames, modules: self, registry: registry,
                                  globalValue: { builtins[$0] }).resolve(statements)
        let errors = (syntaxErrors + nameErrors).sorted { ($0.span.file.name == path ? 1 : 0, $0.span.start)
                                                          < ($1.span.file.name == path ? 1 : 0, $1.span.start) }
        if !errors.isEmpty { throw DiagnosticList(errors) }
        let members = Resolver.assignedNames(statements)
            .filter { !builtinNames.contains($0) && !$0.hasPrefix("_") }.sorted()
        let declaration = Declaration(bindingName: bindingName, members: members)
        declared[path] = declaration
        return declaration
    }

    /// Runs a module (once per loader) and returns what it bound.
    func load(_ name: String, from span: SourceSpan, registry: BuiltinRegistry,
              output: @escaping (String) -> Void) throws -> Module {
        let (path, bindingName, text) = try source(of: name, from: span)
        if let module = cache[path] { return module }
        guard !loading.contains(path) else {
            throw Diagnostic("module '\(name)' uses itself (circular 'use')", at: span)
        }
        loading.insert(path)
        defer { loading.remove(path) }
        let interpreter = Interpreter(registry: registry, modules: self, output: output)
        interpreter.fileAccess = access
        try interpreter.run(SourceFile(name: path, text: text))
        let builtinNames = Set(registry.globalValues().map(\.0))
        var record = Record(kind: .module(bindingName))
        for name in interpreter.globals.localNames where !builtinNames.contains(name) && !name.hasPrefix("_") {
            record[name] = interpreter.globals.lookup(name)
        }
        let module = Module(bindingName: bindingName, record: record)
        cache[path] = module
        return module
    }
}

/// Where the standard library (`stdlib/`) lives: `$NASBOOK_PATH` entries first, then a
/// `stdlib` folder found walking up from the executable (a checkout's `.build/debug/` finds
/// the repository's), then `share/nasbook/stdlib` beside an installed binary.
public enum StdlibLocator {
    public static func searchPaths() -> [String] {
        var paths: [String] = []
        if let env = ProcessInfo.processInfo.environment["NASBOOK_PATH"] {
            paths += env.split(separator: ":").map(String.init)
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            for candidate in ["stdlib", "share/nasbook/stdlib"] {
                let path = dir.appendingPathComponent(candidate).path
                if FileManager.default.fileExists(atPath: path + "/boards.nas") { return paths + [path] }
            }
            dir.deleteLastPathComponent()
        }
        return paths
    }
}

extension SourceFile {
    /// The directory relative paths (`use`, data files) start from; nil for typed input and
    /// files in the working directory.
    public var directory: String? {
        guard !name.hasPrefix("<"), name.contains("/") else { return nil }
        return (name as NSString).deletingLastPathComponent
    }
}
