extension Plot {
    /// The plot as a standalone SVG file for reports: the same axes, ticks, series, budget
    /// lines and legend as the text form, at print resolution. Sizes are in pixels.
    public func renderSVG(width: Int = 720, height: Int = 440) -> String {
        let legendWidth = 180.0
        let (left, top, bottom) = (64.0, title == nil ? 20.0 : 44.0, 56.0)
        let plotWidth = max(Double(width) - left - legendWidth - 16, 100), plotHeight = max(Double(height) - top - bottom, 80)
        let xScale = AxisScale(x, values: coordinates(\.x, .vertical), targetTicks: 7)
        let yScale = AxisScale(y, values: coordinates(\.y, .horizontal), targetTicks: 6)
        func px(_ v: Double) -> Double? { xScale.fraction(v).map { left + $0 * plotWidth } }
        func py(_ v: Double) -> Double? { yScale.fraction(v).map { top + (1 - $0) * plotHeight } }
        let (right, base) = (left + plotWidth, top + plotHeight)

        var svg = SVGDocument(width: width, height: height)
        if let title { svg.text(title, x: left + plotWidth / 2, y: 26, anchor: "middle", attributes: "font-size=\"15\" font-weight=\"bold\"") }

        svg.add("<g class=\"grid\" stroke=\"#e6e6e6\">")
        for t in xScale.ticks { if let x = px(t) { svg.line(x, top, x, base, stroke: "#e6e6e6") } }
        for t in yScale.ticks { if let y = py(t) { svg.line(left, y, right, y, stroke: "#e6e6e6") } }
        svg.add("</g>")

        svg.add("<g class=\"axes\">")
        svg.line(left, base, right, base, stroke: "#333333")
        svg.line(left, top, left, base, stroke: "#333333")
        for (t, label) in zip(xScale.ticks, xScale.labels) {
            guard let x = px(t) else { continue }
            svg.line(x, base, x, base + 5, stroke: "#333333")
            svg.text(label, x: x, y: base + 19, anchor: "middle")
        }
        for (t, label) in zip(yScale.ticks, yScale.labels) {
            guard let y = py(t) else { continue }
            svg.line(left - 5, y, left, y, stroke: "#333333")
            svg.text(label, x: left - 8, y: y + 4, anchor: "end")
        }
        svg.text(x.title, x: left + plotWidth / 2, y: base + 42, anchor: "middle", attributes: "class=\"axis-title\"")
        svg.text(y.title, x: 16, y: top + plotHeight / 2, anchor: "middle",
                 attributes: "class=\"axis-title\" transform=\"rotate(-90 16 \(SVGDocument.n(top + plotHeight / 2)))\"")
        svg.add("</g>")

        for line in referenceLines {
            let paint = line.colour.svgPaint
            svg.add("<g class=\"reference\">")
            switch line.orientation {
            case .vertical:
                guard let x = px(line.value) else { svg.add("</g>"); continue }
                svg.line(x, top, x, base, stroke: paint, attributes: "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"")
                svg.text(line.label, x: x + 4, y: top + 12, attributes: "fill=\"\(paint)\"")
            case .horizontal:
                guard let y = py(line.value) else { svg.add("</g>"); continue }
                svg.line(left, y, right, y, stroke: paint, attributes: "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"")
                svg.text(line.label, x: right - 4, y: y - 5, anchor: "end", attributes: "fill=\"\(paint)\"")
            }
            svg.add("</g>")
        }

        for s in series {
            svg.add("<g class=\"series\">")
            let path = s.path.compactMap { p in px(p.x).flatMap { x in py(p.y).map { (x, $0) } } }
            if path.count > 1 {
                svg.add("<polyline fill=\"none\" stroke=\"\(s.colour.svgPaint)\" stroke-width=\"1.8\"\(s.dotted ? " stroke-dasharray=\"2 3\"" : "") points=\""
                        + path.map { SVGDocument.n($0.0) + "," + SVGDocument.n($0.1) }.joined(separator: " ") + "\"/>")
            }
            for p in s.points {
                guard let x = px(p.x), let y = py(p.y) else { continue }
                Self.marker(s.marker, x: x, y: y, paint: s.colour.svgPaint, into: &svg)
            }
            svg.add("</g>")
        }

        svg.add("<g class=\"legend\">")
        var ly = top + 8
        for s in series where !s.name.isEmpty {
            if s.marker == .none || s.marker == .dot && !s.path.isEmpty {
                svg.line(right + 20, ly - 4, right + 36, ly - 4, stroke: s.colour.svgPaint,
                         attributes: "stroke-width=\"1.8\"" + (s.dotted ? " stroke-dasharray=\"2 3\"" : ""))
            }
            Self.marker(s.marker, x: right + 28, y: ly - 4, paint: s.colour.svgPaint, into: &svg)
            svg.text(s.name, x: right + 42, y: ly)
            ly += 20
        }
        for line in referenceLines {
            svg.line(right + 20, ly - 4, right + 36, ly - 4, stroke: line.colour.svgPaint, attributes: "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"")
            svg.text(line.label, x: right + 42, y: ly)
            ly += 20
        }
        svg.add("</g>")
        return svg.rendered
    }

    static func marker(_ marker: Series.Marker, x: Double, y: Double, paint: String, into svg: inout SVGDocument) {
        let (cx, cy) = (SVGDocument.n(x), SVGDocument.n(y))
        switch marker {
        case .none: break
        case .dot: svg.add("<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"2.5\" fill=\"\(paint)\" fill-opacity=\"0.7\"/>")
        case .disc: svg.add("<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"4.5\" fill=\"\(paint)\" stroke=\"white\"/>")
        case .cross:
            svg.add("<path d=\"M\(SVGDocument.n(x - 4)) \(SVGDocument.n(y - 4))L\(SVGDocument.n(x + 4)) \(SVGDocument.n(y + 4))M\(SVGDocument.n(x - 4)) \(SVGDocument.n(y + 4))L\(SVGDocument.n(x + 4)) \(SVGDocument.n(y - 4))\" stroke=\"\(paint)\" stroke-width=\"2\"/>")
        case .alert:
            svg.add("<path d=\"M\(cx) \(SVGDocument.n(y - 5))L\(SVGDocument.n(x + 5)) \(SVGDocument.n(y + 4))L\(SVGDocument.n(x - 5)) \(SVGDocument.n(y + 4))Z\" fill=\"\(paint)\"/>")
        }
    }
}
