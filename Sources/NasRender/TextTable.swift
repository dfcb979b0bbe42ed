/// A table of text cells laid out in aligned columns. Everything tabular in nasbook (records,
/// search spaces, budgets, later Pareto fronts) goes through this one renderer, so every table
/// looks the same and golden tests stay stable.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// Optional caption above the table.
    public var title: String?

    public init(title: String? = nil, columns: [Column], rows: [[String]] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    /// A copy with a narrow first column of marks, one per row (`●` on the Pareto front, `✗`
    /// over budget), so the eye finds the rows that matter without reading every number.
    public func marked(_ marks: [String], title: String = "") -> TextTable {
        TextTable(title: self.title, columns: [Column(title)] + columns,
                  rows: rows.enumerated().map { i, row in [i < marks.count ? marks[i] : ""] + row })
    }

    /// Header, a rule, then the rows; columns separated by two spaces, no trailing spaces.
    public func render() -> String {
        var widths = columns.map { TextWidth.of($0.title) }
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], TextWidth.of(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, column) in columns.enumerated() {
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: widths[i] - TextWidth.of(cell))
                parts.append(column.alignment == .left ? cell + pad : pad + cell)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out: [String] = []
        if let title { out.append(title) }
        out.append(line(columns.map(\.title)))
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        out.append(contentsOf: rows.map(line))
        return out.joined(separator: "\n")
    }
}

/// Display width of text in a terminal: one column per character is right for everything
/// nasbook prints (ASCII, box drawing, Braille); ANSI colour escapes take none.
public enum TextWidth {
    public static func of(_ s: String) -> Int {
        guard s.contains("\u{1B}") else { return s.count }
        var width = 0, inEscape = false
        for ch in s {
            if inEscape {
                if ch == "m" { inEscape = false }
            } else if ch == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}
