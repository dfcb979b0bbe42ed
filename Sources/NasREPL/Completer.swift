import NasLang

/// Tab completion: keywords, declaration words, bound names, and members after a dot
/// (`boards.nu` -> `boards.nucleo_f746zg`).
public struct Completer {
    let interpreter: Interpreter

    public init(interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    /// Words that start statements or blocks without being reserved.
    static let contextualWords = ["space", "objectives", "budget", "maximize", "minimize", "per", "layer", "as", "to", "tflite"]

    /// For the text before the cursor: how many trailing characters to replace, and the words
    /// that could replace them, sorted.
    public func complete(_ prefix: String) -> (replaceFrom: Int, candidates: [String]) {
        if prefix.hasPrefix(":"), !prefix.contains(" ") {
            return (prefix.count, ReplCommand.names.map { ":" + $0 }.filter { $0.hasPrefix(prefix) })
        }
        let word = String(prefix.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
        var parts = word.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let partial = parts.removeLast()
        let pool: [String]
        if parts.isEmpty {
            pool = Keyword.allCases.map(\.rawValue) + Self.contextualWords + interpreter.visibleNames
        } else {
            pool = interpreter.memberNames(ofPath: parts)
        }
        let candidates = Set(pool.filter { $0.hasPrefix(partial) }).sorted()
        return (partial.count, candidates)
    }
}
