import CLineEditorShim
import Foundation
import NasFiles

/// Lines from a terminal through libedit: emacs keys, a persistent history file, Tab completion,
/// Ctrl-C to drop the line being typed.
public final class InteractiveLineReader: LineReader {
    /// Given the text before the cursor: how many trailing characters to replace and the candidates.
    public typealias Completion = (String) -> (replaceFrom: Int, candidates: [String])

    private var editor: OpaquePointer?
    private let completion: Completion
    /// Saved after every line (atomically), so a killed session keeps its history; nil when
    /// there is none or it was refused (see `HistoryFile.check`).
    private var historyFile: String?
    /// Told once when saving the history fails (a full disk), so the user hears of it.
    private let warn: (String) -> Void
    private var warned = false

    /// `historyFile` is loaded and saved only if it is libedit's (or does not exist yet);
    /// otherwise `warn` hears why and the file is left alone.
    public init(historyFile: String?, historySize: Int = 1000, warn: @escaping (String) -> Void = { _ in },
                completer: @escaping Completion) {
        self.completion = completer
        self.warn = warn
        var historyFile = historyFile
        if let path = historyFile, let problem = HistoryFile.check(path) {
            warn(problem)
            historyFile = nil
        }
        self.historyFile = historyFile
        let context = Unmanaged.passUnretained(self).toOpaque()
        editor = nas_editor_new("nasbook", historyFile, Int32(historySize), { context, editor, prefix in
            guard let context, let editor, let prefix else { return UInt8(NAS_CC_ERROR) }
            let reader = Unmanaged<InteractiveLineReader>.fromOpaque(context).takeUnretainedValue()
            return reader.complete(String(cString: prefix), editor: editor)
        }, context)
    }

    deinit {
        nas_editor_free(editor)
    }

    public func readLine(prompt: String) -> LineReadResult {
        guard let editor else { return PlainLineReader().readLine(prompt: prompt) }
        var line: UnsafePointer<CChar>?
        switch nas_editor_read(editor, prompt, &line) {
        case 1: return .line(line.map { String(cString: $0) } ?? "")
        case 2: return .interrupted
        default: return .endOfInput
        }
    }

    public func addHistory(_ line: String) {
        guard let editor else { return }
        nas_editor_add_history(editor, line)
        guard let historyFile else { return }
        do {
            try AtomicFile.replace(historyFile) { temporary in
                guard nas_editor_save_history(editor, temporary) == 0 else { throw FileWriteError(path: historyFile, errno: errno) }
            }
        } catch {
            if !warned { warn("nasbook: the history was not saved: \(error)\n") }
            warned = true
        }
    }

    private func complete(_ prefix: String, editor: OpaquePointer) -> UInt8 {
        let (replaceFrom, candidates) = completion(prefix)
        guard !candidates.isEmpty else { return UInt8(NAS_CC_ERROR) }
        let typed = String(prefix.suffix(replaceFrom))
        let common = Self.commonPrefix(candidates)
        if candidates.count == 1 || common.count > typed.count {
            let insertion = candidates.count == 1 ? candidates[0] : common
            nas_editor_delete_before_cursor(editor, Int32(typed.unicodeScalars.count))
            nas_editor_insert(editor, insertion)
            return UInt8(NAS_CC_REFRESH)
        }
        nas_editor_print(editor, "\n" + Self.columns(candidates, width: Int(nas_terminal_columns())))
        return UInt8(NAS_CC_REDISPLAY)
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            while !word.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    /// Candidates laid out in columns across the terminal, as shells list completions.
    static func columns(_ words: [String], width: Int) -> String {
        let cell = (words.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        var text = ""
        for (index, word) in words.enumerated() {
            let last = index % perRow == perRow - 1 || index == words.count - 1
            text += last ? word + "\n" : word + String(repeating: " ", count: cell - word.count)
        }
        return text
    }
}
