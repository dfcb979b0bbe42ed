import Foundation
import NasLang

/// A notebook session: every cell typed, what it printed, when, and the seeds it drew. Saved as
/// a `.nasbook` file so `nasbook replay` can run the cells again and say which ones changed.
public struct Session: Equatable, Sendable {
    /// Bumped when the file layout changes; readers refuse versions newer than theirs.
    public static let formatVersion = 1

    public enum Input: String, Sendable {
        /// Typed at a terminal: cells are named `<cell N>` in diagnostics.
        case terminal
        /// Read from a pipe: cells are named `<stdin>` and numbered by input line.
        case pipe
    }

    public struct Cell: Equatable, Sendable {
        /// 1-based position in the session; diagnostics of terminal cells name it (`<cell 3>`).
        public var index: Int
        /// The input line the cell started on (piped input reports errors at that line).
        public var line: Int
        public var input: String
        /// What the cell printed in its plain form: no progress redraws, no timings.
        public var output: String
        /// The error message the cell ended with, nil when it succeeded.
        public var error: String?
        public var started: Date
        /// Wall-clock seconds.
        public var duration: Double
        /// Seeds the cell's builtins drew, in order, each (builtin, seed) pair once.
        public var seeds: [DrawnSeed]

        public init(index: Int, line: Int, input: String, output: String, error: String?,
                    started: Date, duration: Double, seeds: [DrawnSeed]) {
            self.index = index
            self.line = line
            self.input = input
            self.output = output
            self.error = error
            self.started = started
            self.duration = duration
            self.seeds = seeds
        }

        /// Everything the user saw, in order: the output, then the error if the cell failed.
        public var transcript: String { output + (error ?? "") }
    }

    public var nasbookVersion: String
    public var created: Date
    public var input: Input
    /// The REPL's working directory relative to the directory of the session file (`.` when they
    /// are the same); replay runs the cells there, so relative paths find the same files.
    public var directory: String
    public var cells: [Cell]

    public init(nasbookVersion: String = NasbookVersion.current, created: Date = Date(), input: Input,
                directory: String = ".", cells: [Cell] = []) {
        self.nasbookVersion = nasbookVersion
        self.created = created
        self.input = input
        self.directory = directory
        self.cells = cells
    }
}

/// A `.nasbook` file that cannot be read as a session; `path` locates the bad field.
public struct SessionFormatError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

// MARK: - The file format

extension Session {
    static let formatName = "nasbook-session"

    /// JSON with keys in a fixed, readable order (header first, then cells), one field per
    /// line, so saved sessions diff well under version control.
    public func encoded() -> String {
        var out = "{\n"
        out += "  \"format\": \(JSONText.string(Self.formatName)),\n"
        out += "  \"version\": \(Self.formatVersion),\n"
        out += "  \"nasbook\": \(JSONText.string(nasbookVersion)),\n"
        out += "  \"created\": \(JSONText.string(Timestamp.format(created))),\n"
        out += "  \"input\": \(JSONText.string(input.rawValue)),\n"
        out += "  \"directory\": \(JSONText.string(directory)),\n"
        out += "  \"cells\": ["
        out += cells.isEmpty ? "]\n" : "\n" + cells.map(Self.encode).joined(separator: ",\n") + "\n  ]\n"
        return out + "}\n"
    }

    private static func encode(_ cell: Cell) -> String {
        var fields = [
            "\"index\": \(cell.index)",
            "\"line\": \(cell.line)",
            "\"input\": \(JSONText.string(cell.input))",
            "\"output\": \(JSONText.string(cell.output))",
            "\"failed\": \(cell.error != nil)",
        ]
        if let error = cell.error { fields.append("\"error\": \(JSONText.string(error))") }
        fields += [
            "\"started\": \(JSONText.string(Timestamp.format(cell.started)))",
            "\"duration\": \(String(format: "%.3f", cell.duration))",
            "\"seeds\": [" + cell.seeds.map { "{\"builtin\": \(JSONText.string($0.builtin)), \"seed\": \($0.seed)}" }
                .joined(separator: ", ") + "]",
        ]
        return "    {\n" + fields.map { "      " + $0 }.joined(separator: ",\n") + "\n    }"
    }

    /// Reads a session, naming the first field that is missing or malformed.
    public static func decode(_ data: Data) throws -> Session {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw SessionFormatError(path: "", message: "not JSON (\(Self.describe(error)))")
        }
        let header = try Fields(root, path: "")
        guard try header.string("format") == formatName else {
            throw SessionFormatError(path: "format", message: "expected \"\(formatName)\"")
        }
        let version = try header.int("version")
        guard version <= formatVersion else {
            throw SessionFormatError(path: "version", message: "format version \(version) is newer than this nasbook reads (\(formatVersion)); update nasbook")
        }
        guard let input = Input(rawValue: try header.string("input")) else {
            throw SessionFormatError(path: "input", message: "expected \"terminal\" or \"pipe\"")
        }
        let cells = try header.array("cells").enumerated().map { i, item in
            let f = try Fields(item, path: "cells[\(i)]")
            // Fields are read in the order the file lists them, so the first bad one is named.
            let index = try f.int("index"), line = try f.int("line"), input = try f.string("input"), output = try f.string("output")
            let error = try f.bool("failed") ? try f.string("error") : nil
            return Cell(index: index, line: line, input: input, output: output, error: error,
                        started: try f.date("started"), duration: try f.double("duration"),
                        seeds: try f.array("seeds").enumerated().map { j, s in
                            let seed = try Fields(s, path: "cells[\(i)].seeds[\(j)]")
                            return DrawnSeed(builtin: try seed.string("builtin"), seed: UInt64(try seed.int("seed", minimum: 0)))
                        })
        }
        for (i, cell) in cells.enumerated() where cell.index != i + 1 {
            throw SessionFormatError(path: "cells[\(i)].index", message: "expected \(i + 1), found \(cell.index): cells are numbered from 1 in order")
        }
        return Session(nasbookVersion: try header.string("nasbook"), created: try header.date("created"), input: input,
                       directory: try header.string("directory"), cells: cells)
    }

    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }
}

/// Typed access to one JSON object's fields, with errors that say which field and why.
private struct Fields {
    let object: [String: Any]
    let path: String

    init(_ value: Any, path: String) throws {
        guard let object = value as? [String: Any] else {
            throw SessionFormatError(path: path, message: "expected an object")
        }
        self.object = object
        self.path = path
    }

    private func field(_ key: String) throws -> Any {
        guard let value = object[key] else {
            throw SessionFormatError(path: path.isEmpty ? key : "\(path).\(key)", message: "missing")
        }
        return value
    }

    private func wrong(_ key: String, _ expected: String) -> SessionFormatError {
        SessionFormatError(path: path.isEmpty ? key : "\(path).\(key)", message: "expected \(expected)")
    }

    func string(_ key: String) throws -> String {
        guard let s = try field(key) as? String else { throw wrong(key, "a string") }
        return s
    }

    func bool(_ key: String) throws -> Bool {
        guard let b = try field(key) as? Bool else { throw wrong(key, "true or false") }
        return b
    }

    func double(_ key: String) throws -> Double {
        guard let n = try field(key) as? NSNumber else { throw wrong(key, "a number") }
        return n.doubleValue
    }

    func int(_ key: String, minimum: Int = 1) throws -> Int {
        let v = try double(key)
        guard v == v.rounded(), v >= Double(minimum), v < 9.007e15 else {
            throw wrong(key, "a whole number of at least \(minimum)")
        }
        return Int(v)
    }

    func array(_ key: String) throws -> [Any] {
        guard let a = try field(key) as? [Any] else { throw wrong(key, "a list") }
        return a
    }

    func date(_ key: String) throws -> Date {
        guard let d = Timestamp.parse(try string(key)) else {
            throw wrong(key, "a timestamp like 2026-01-31T12:00:00.000Z")
        }
        return d
    }
}

/// ISO 8601 in UTC with milliseconds: sortable and unambiguous across machines.
enum Timestamp {
    static func format(_ date: Date) -> String {
        formatter().string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        formatter().date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    private static func formatter() -> ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}

/// JSON string literals that keep non-ASCII text readable (UTF-8, not \u escapes).
enum JSONText {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20 || c.value == 0x7F:
                out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
