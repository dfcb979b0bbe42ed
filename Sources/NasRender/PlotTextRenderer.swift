/// Options for drawing a plot as text. Fixed sizes keep golden tests stable; colour is for
/// terminals only (the caller knows whether output is one), never for files or goldens.
public struct TextPlotOptions: Sendable {
    /// Plot-area size in character cells, axes and labels not included.
    public var width: Int
    public var height: Int
    /// Braille dots (2x4 per cell); false draws with ASCII characters only.
    public var braille: Bool
    public var colour: Bool

    public init(width: Int = 60, height: Int = 16, braille: Bool = true, colour: Bool = false) {
        self.width = max(width, 8)
        self.height = max(height, 4)
        self.braille = braille
        self.colour = colour
    }
}

extension Plot {
    /// The plot as lines of text: title, y-axis title, the canvas with its y ticks, the x axis
    /// with ticks and title, then the legend. No trailing spaces.
    public func renderText(_ options: TextPlotOptions = TextPlotOptions()) -> String {
        let xScale = AxisScale(x, values: coordinates(\.x, .vertical), targetTicks: max(2, options.width / 10))
        let yScale = AxisScale(y, values: coordinates(\.y, .horizontal), targetTicks: max(2, options.height / 3))
        var canvas = PlotCanvas(width: options.width, height: options.height, braille: options.braille)
        func dot(_ p: PlotPoint) -> (x: Int, y: Int)? {
            guard let fx = xScale.fraction(p.x), let fy = yScale.fraction(p.y) else { return nil }
            return canvas.dot(fx, fy)
        }

        for line in referenceLines {
            let scale = line.orientation == .vertical ? xScale : yScale
            guard let f = scale.fraction(line.value) else { continue }
            let d = canvas.dot(f, f)
            canvas.rule(line.orientation, at: line.orientation == .vertical ? d.x / 2 : d.y / 4, colour: line.colour)
        }
        for s in series {
            let path = s.path.compactMap(dot)
            canvas.polyline(path, colour: s.colour, dotted: s.dotted)
            if path.count == 1 { canvas.plotDot(path[0], colour: s.colour) }
        }
        for s in series {
            for d in s.points.compactMap(dot) {
                if let glyph = Self.glyph(s.marker, braille: options.braille) {
                    canvas.mark(d, glyph: glyph, colour: s.colour)
                } else if s.marker == .dot {
                    canvas.plotDot(d, colour: s.colour)
                }
            }
        }
        for line in referenceLines { label(line, on: &canvas, xScale: xScale, yScale: yScale) }

        // Y ticks: the row each tick value falls in; the first tick wins a shared row.
        var yLabels = [String?](repeating: nil, count: options.height)
        for (tick, text) in zip(yScale.ticks, yScale.labels) {
            guard let f = yScale.fraction(tick) else { continue }
            let row = canvas.dot(0, f).y / 4
            if yLabels[row] == nil { yLabels[row] = text }
        }
        let margin = max(yLabels.compactMap { $0?.count }.max() ?? 0, 1)
        let box: (tick: String, side: String, corner: String, base: String, xTick: String) =
            options.braille ? ("┤", "│", "└", "─", "┬") : ("+", "|", "+", "-", "+")

        var lines: [String] = []
        if let title { lines.append(Self.centred(title, over: options.width, indent: margin + 2)) }
        lines.append(y.title)
        for row in 0..<options.height {
            let label = yLabels[row] ?? ""
            lines.append(String(repeating: " ", count: margin - label.count) + label + " "
                         + (yLabels[row] == nil ? box.side : box.tick) + canvas.row(row, colour: options.colour))
        }

        // X ticks: a mark on the axis and a centred label, skipped where it would touch the previous one.
        var axis = [String](repeating: box.base, count: options.width)
        var labelLine = [Character](repeating: " ", count: options.width + margin + 8)
        var nextFree = 0
        for (tick, text) in zip(xScale.ticks, xScale.labels) {
            guard let f = xScale.fraction(tick) else { continue }
            let column = canvas.dot(f, 0).x / 2
            axis[column] = box.xTick
            let start = max(0, margin + 2 + column - (text.count - 1) / 2)
            guard start >= nextFree, start + text.count <= labelLine.count else { continue }
            for (i, ch) in text.enumerated() { labelLine[start + i] = ch }
            nextFree = start + text.count + 1
        }
        lines.append(String(repeating: " ", count: margin + 1) + box.corner + axis.joined())
        lines.append(String(labelLine))
        lines.append(Self.centred(x.title, over: options.width, indent: margin + 2))
        lines.append(contentsOf: legend(options))
        return lines.map(Self.trimmed).joined(separator: "\n")
    }

    /// Every coordinate an axis must show: the series' points and the reference lines across it.
    func coordinates(_ key: KeyPath<PlotPoint, Double>, _ across: ReferenceLine.Orientation) -> [Double] {
        series.flatMap { $0.points.map { $0[keyPath: key] } } + referenceLines.filter { $0.orientation == across }.map(\.value)
    }

    /// A reference line's label goes where it hides nothing: beside a vertical line near the
    /// top, above or below a horizontal one at the right; failing that, only the legend names it.
    private func label(_ line: ReferenceLine, on canvas: inout PlotCanvas, xScale: AxisScale, yScale: AxisScale) {
        let scale = line.orientation == .vertical ? xScale : yScale
        guard let f = scale.fraction(line.value) else { return }
        let d = canvas.dot(f, f)
        let n = line.label.count
        var spots: [(x: Int, y: Int, overLine: Bool)] = []
        switch line.orientation {
        case .vertical:
            let c = d.x / 2
            for row in 0..<canvas.height { spots += [(c + 2, row, false), (c - 1 - n, row, false)] }
        case .horizontal:
            let r = d.y / 4
            for row in [r - 1, r + 1] { spots += [(canvas.width - n, row, false), (0, row, false)] }
            spots += [(canvas.width - n, r, true), (0, r, true)]
        }
        for spot in spots where canvas.place(line.label, x: spot.x, y: spot.y, colour: line.colour, overLine: spot.overLine) { return }
    }

    private func legend(_ options: TextPlotOptions) -> [String] {
        var entries: [String] = []
        for s in series where !s.name.isEmpty {
            let sample: String
            if let glyph = Self.glyph(s.marker, braille: options.braille) { sample = String(glyph) }
            else if s.marker == .dot, case .none = s.connection { sample = options.braille ? "⠂" : "." }
            else if s.dotted { sample = options.braille ? "┈" : "." }
            else { sample = options.braille ? "─" : "-" }
            entries.append(s.colour.paint(sample, enabled: options.colour) + " " + s.name)
        }
        for line in referenceLines {
            let sample = line.orientation == .vertical ? (options.braille ? "┆" : ":") : (options.braille ? "┄" : "=")
            entries.append(line.colour.paint(sample, enabled: options.colour) + " " + line.label)
        }
        // Wrapped to the plot's width, three spaces between entries.
        var lines: [String] = [], current = "", currentWidth = 0
        for entry in entries {
            let w = TextWidth.of(entry)
            if currentWidth > 0, currentWidth + 3 + w > options.width + 8 {
                lines.append(current)
                current = ""
                currentWidth = 0
            }
            current += (currentWidth > 0 ? "   " : "") + entry
            currentWidth += (currentWidth > 0 ? 3 : 0) + w
        }
        if currentWidth > 0 { lines.append(current) }
        return lines
    }

    static func glyph(_ marker: Series.Marker, braille: Bool) -> Character? {
        switch marker {
        case .none, .dot: return nil
        case .disc: return braille ? "●" : "O"
        case .cross: return braille ? "×" : "x"
        case .alert: return "!"
        }
    }

    static func centred(_ text: String, over width: Int, indent: Int) -> String {
        String(repeating: " ", count: indent + max(0, (width - text.count) / 2)) + text
    }

    static func trimmed(_ line: String) -> String {
        var line = line
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}
