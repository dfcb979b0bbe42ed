/// A named piece of program text. Spans point into it, so a diagnostic can always show the
/// offending line, no matter how far from the parser it is raised.
public final class SourceFile: Sendable {
    /// Name shown in diagnostics: a path for files, `<repl>` or `<cell 3>` for typed input.
    public let name: String
    public let text: String
    /// UTF-8 bytes of `text`; the lexer works on bytes and spans are byte offsets.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts.
    private let lineStarts: [Int]
    /// Line number of the first line: a REPL cell read from line 40 of piped input reports
    /// errors at line 40, not 1.
    public let firstLine: Int

    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based line and column (in characters) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let clamped = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
        }
        let prefix = bytes[lineStarts[lo]..<clamped]
        let column = String(decoding: prefix, as: UTF8.self).count + 1
        return (lo + firstLine, column)
    }

    /// Text of a line (numbered as `location` numbers it) without its newline.
    public func lineText(_ numbered: Int) -> String {
        let line = numbered - firstLine + 1
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    public func slice(_ span: SourceSpan) -> String {
        let lo = max(0, min(span.start, bytes.count)), hi = max(lo, min(span.end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// A half-open byte range in a source file.
public struct SourceSpan: Sendable, Equatable, CustomStringConvertible {
    public let file: SourceFile
    public let start: Int
    public let end: Int

    public init(file: SourceFile, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both.
    public func to(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    public var location: (line: Int, column: Int) { file.location(of: start) }

    public var description: String {
        let (l, c) = location
        return "\(file.name):\(l):\(c)"
    }

    public static func == (a: SourceSpan, b: SourceSpan) -> Bool {
        a.file === b.file && a.start == b.start && a.end == b.end
    }
}
