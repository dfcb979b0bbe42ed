/// Horizontal bars, one row per item (a network's layers), one block of bars per measure
/// (pruning rate, bit-width), each measure on its own scale so 0.4 and 8 bits both read.
public struct BarChart: Sendable {
    public var title: String?
    /// Heads the column of row labels, e.g. `layer`.
    public var labelTitle: String
    public var labels: [String]
    public var series: [BarSeries]

    public init(title: String? = nil, labelTitle: String, labels: [String], series: [BarSeries]) {
        self.title = title
        self.labelTitle = labelTitle
        self.labels = labels
        self.series = series
    }
}

public struct BarSeries: Sendable {
    public var name: String
    /// One per row; values at or below zero draw no bar.
    public var values: [Double]
    /// The printed values, formatted by the caller with their units (`45%`, `24 KB`).
    public var valueLabels: [String]
    /// The value a full-length bar stands for; nil: the largest value.
    public var maximum: Double?
    public var colour: PlotColour

    public init(_ name: String, values: [Double], valueLabels: [String], maximum: Double? = nil, colour: PlotColour = .blue) {
        self.name = name
        self.values = values
        self.valueLabels = valueLabels
        self.maximum = maximum
        self.colour = colour
    }

    var scaleMaximum: Double {
        let m = maximum ?? values.filter(\.isFinite).max() ?? 0
        return m > 0 ? m : 1
    }
}

extension BarChart {
    /// A table: the label column, then per measure its bars and its values. Bars are in
    /// eighth blocks (or `#` in ASCII), `barWidth` cells for the maximum.
    public func renderText(barWidth: Int = 24, braille: Bool = true, colour: Bool = false) -> String {
        let width = max(barWidth, 4)
        var columns = [TextTable.Column(labelTitle)]
        for s in series { columns += [TextTable.Column(s.name), TextTable.Column("", .right)] }
        let rows = labels.enumerated().map { i, label in
            [label] + series.flatMap { s -> [String] in
                let v = i < s.values.count ? s.values[i] : 0
                let bar = Self.bar(v / s.scaleMaximum, width: width, unicode: braille)
                let text = i < s.valueLabels.count ? s.valueLabels[i] : ""
                return [s.colour.paint(bar, enabled: colour) + String(repeating: " ", count: width - bar.count), text]
            }
        }
        return TextTable(title: title, columns: columns, rows: rows).render()
    }

    static func bar(_ fraction: Double, width: Int, unicode: Bool) -> String {
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        guard unicode else { return String(repeating: "#", count: Int((f * Double(width)).rounded())) }
        let eighths = Int((f * Double(width * 8)).rounded())
        return String(repeating: "█", count: eighths / 8) + ProgressBar.partials[eighths % 8]
    }

    /// One panel per measure, side by side, rows aligned across panels; values at bar ends.
    public func renderSVG(panelWidth: Int = 240) -> String {
        let rowHeight = 22.0, labelWidth = 110.0, top = title == nil ? 40.0 : 64.0
        let panel = Double(max(panelWidth, 120))
        let width = Int(labelWidth + Double(series.count) * (panel + 24) + 16)
        let height = Int(top + Double(labels.count) * rowHeight + 16)
        var svg = SVGDocument(width: width, height: height)
        if let title { svg.text(title, x: Double(width) / 2, y: 26, anchor: "middle", attributes: "font-size=\"15\" font-weight=\"bold\"") }
        svg.text(labelTitle, x: 12, y: top - 12, attributes: "font-weight=\"bold\"")
        for (i, label) in labels.enumerated() {
            svg.text(label, x: 12, y: top + Double(i) * rowHeight + 15)
        }
        for (k, s) in series.enumerated() {
            let x0 = labelWidth + Double(k) * (panel + 24)
            let barSpace = panel - 56
            svg.add("<g class=\"bars\">")
            svg.text(s.name, x: x0, y: top - 12, attributes: "font-weight=\"bold\"")
            svg.line(x0, top, x0, top + Double(labels.count) * rowHeight, stroke: "#333333")
            for i in labels.indices {
                let v = i < s.values.count ? s.values[i] : 0
                let f = v.isFinite ? min(max(v / s.scaleMaximum, 0), 1) : 0
                let y = top + Double(i) * rowHeight + 4
                svg.add("<rect x=\"\(SVGDocument.n(x0))\" y=\"\(SVGDocument.n(y))\" width=\"\(SVGDocument.n(f * barSpace))\" height=\"14\" fill=\"\(s.colour.svgPaint)\"/>")
                if i < s.valueLabels.count { svg.text(s.valueLabels[i], x: x0 + f * barSpace + 4, y: y + 11) }
            }
            svg.add("</g>")
        }
        return svg.rendered
    }
}
