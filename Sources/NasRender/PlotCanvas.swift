/// A grid of terminal cells that plots draw into. In Braille mode each cell holds 2x4 dots
/// (U+2800 block), so points and lines get eight times the resolution of characters; in ASCII
/// mode the same dot coordinates fall to whole cells and lines become `-|/\`. Layers keep
/// data readable: glyph markers over dots and lines, over reference lines; labels only where
/// nothing else is.
struct PlotCanvas {
    struct Cell {
        var dots: UInt8 = 0
        var stroke: Character?
        var ink: PlotColour?
        var marker: Character?
        var markerColour: PlotColour?
        var background: Character?
        var backgroundColour: PlotColour?
        var text: Character?
        var textColour: PlotColour?

        /// Nothing but (at most) a reference line: a label may go here.
        var isFree: Bool { dots == 0 && stroke == nil && marker == nil && text == nil }
    }

    let width: Int
    let height: Int
    let braille: Bool
    private(set) var cells: [Cell]

    init(width: Int, height: Int, braille: Bool) {
        self.width = width
        self.height = height
        self.braille = braille
        cells = Array(repeating: Cell(), count: width * height)
    }

    var dotWidth: Int { width * 2 }
    var dotHeight: Int { height * 4 }

    subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && x < width && y >= 0 && y < height }

    /// Dot coordinates (origin top left) of a point given as fractions of the plot area.
    /// A hair of slack before rounding, so a tick and a line at the same nominal value (0.7
    /// written two ways in binary) land on the same dot.
    func dot(_ fx: Double, _ fy: Double) -> (x: Int, y: Int) {
        (Int((fx * Double(dotWidth - 1) + 1e-6).rounded()), dotHeight - 1 - Int((fy * Double(dotHeight - 1) + 1e-6).rounded()))
    }

    /// One data point at dot resolution: a Braille dot, or `.` in ASCII.
    mutating func plotDot(_ d: (x: Int, y: Int), colour: PlotColour) {
        let (cx, cy) = (d.x / 2, d.y / 4)
        guard contains(cx, cy) else { return }
        if braille {
            self[cx, cy].dots |= Self.bit(d.x % 2, d.y % 4)
        } else if self[cx, cy].stroke == nil {
            self[cx, cy].stroke = "."
        }
        self[cx, cy].ink = colour
    }

    /// A polyline through dot coordinates (Bresenham, at dot or cell resolution). Dotted
    /// lines keep every other dot along the whole path (Braille) or draw `.` (ASCII).
    mutating func polyline(_ points: [(x: Int, y: Int)], colour: PlotColour, dotted: Bool = false) {
        if braille {
            var path: [(x: Int, y: Int)] = []
            for (a, b) in zip(points, points.dropFirst()) { path += Self.bresenham(a, b).dropFirst(path.isEmpty ? 0 : 1) }
            for (i, p) in path.enumerated() where !dotted || i % 2 == 0 { plotDot(p, colour: colour) }
            return
        }
        for (a, b) in zip(points, points.dropFirst()) {
            let cellPath = Self.bresenham((a.x / 2, a.y / 4), (b.x / 2, b.y / 4))
            for (i, (x, y)) in cellPath.enumerated() where contains(x, y) {
                // Each cell shows the step that reaches it (the first, the step that leaves it):
                // a shallow line reads `---/---`, not `///////`.
                let (from, to) = i > 0 ? (cellPath[i - 1], cellPath[i]) : (cellPath[i], cellPath[min(1, cellPath.count - 1)])
                let glyph: Character = dotted ? "." : from.y == to.y ? "-" : from.x == to.x ? "|" : (to.x - from.x) * (to.y - from.y) < 0 ? "/" : "\\"
                let old = self[x, y].stroke
                // A staircase turns a corner: `-` meeting `|` is drawn `+`.
                self[x, y].stroke = old != nil && old != "." && old != glyph && "-|".contains(glyph) && "-|+".contains(old!) ? "+" : glyph
                self[x, y].ink = colour
            }
        }
    }

    mutating func mark(_ d: (x: Int, y: Int), glyph: Character, colour: PlotColour) {
        let (cx, cy) = (d.x / 2, d.y / 4)
        guard contains(cx, cy) else { return }
        self[cx, cy].marker = glyph
        self[cx, cy].markerColour = colour
    }

    mutating func rule(_ orientation: ReferenceLine.Orientation, at index: Int, colour: PlotColour) {
        let glyph: Character = orientation == .vertical ? (braille ? "┆" : ":") : (braille ? "┄" : "=")
        let count = orientation == .vertical ? height : width
        for i in 0..<count {
            let (x, y) = orientation == .vertical ? (index, i) : (i, index)
            guard contains(x, y) else { continue }
            self[x, y].background = glyph
            self[x, y].backgroundColour = colour
        }
    }

    /// Writes `text` at row `y` from column `x` if every cell it needs, and one on each side,
    /// is free; returns whether it did. `overLine` lets it cover reference lines (a label
    /// written on its own line), with a blank on each side to set it apart.
    mutating func place(_ text: String, x: Int, y: Int, colour: PlotColour, overLine: Bool = false) -> Bool {
        let count = text.count
        guard y >= 0, y < height, x >= 0, x + count <= width else { return false }
        let around = max(0, x - 1)..<min(width, x + count + 1)
        for cx in around where !self[cx, y].isFree || !overLine && self[cx, y].background != nil { return false }
        let padded = overLine ? Array(around) : Array(x..<(x + count))
        for cx in padded {
            let i = cx - x
            self[cx, y].text = i >= 0 && i < count ? text[text.index(text.startIndex, offsetBy: i)] : " "
            self[cx, y].textColour = colour
        }
        return true
    }

    /// Row `y` as text, colours as ANSI escapes when asked; runs of one colour share an escape.
    func row(_ y: Int, colour: Bool) -> String {
        var out = "", run = "", runColour: PlotColour?
        func flush() {
            out += runColour?.paint(run, enabled: colour) ?? run
            run = ""
        }
        for x in 0..<width {
            let c = self[x, y]
            let (ch, ink): (Character, PlotColour?) =
                if let m = c.marker { (m, c.markerColour) }
                else if braille && c.dots != 0 { (Character(Unicode.Scalar(0x2800 + UInt32(c.dots))!), c.ink) }
                else if let s = c.stroke { (s, c.ink) }
                else if let t = c.text { (t, c.textColour) }
                else if let b = c.background { (b, c.backgroundColour) }
                else { (" ", nil) }
            if ink != runColour {
                flush()
                runColour = ink
            }
            run.append(ch)
        }
        flush()
        return out
    }

    /// Braille dot numbering: the left column is dots 1-3 and 7, the right 4-6 and 8.
    static func bit(_ column: Int, _ row: Int) -> UInt8 {
        let left: [UInt8] = [0x01, 0x02, 0x04, 0x40], right: [UInt8] = [0x08, 0x10, 0x20, 0x80]
        return column == 0 ? left[row] : right[row]
    }

    static func bresenham(_ a: (x: Int, y: Int), _ b: (x: Int, y: Int)) -> [(x: Int, y: Int)] {
        var points: [(x: Int, y: Int)] = []
        var (x, y) = a
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var err = dx + dy
        while true {
            points.append((x, y))
            if x == b.x && y == b.y { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
        return points
    }
}
