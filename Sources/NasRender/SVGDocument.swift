import Foundation

/// A standalone SVG file built element by element. Coordinates are written with one decimal
/// so the same plot always produces the same bytes.
struct SVGDocument {
    let width: Int
    let height: Int
    private var body: [String] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    mutating func add(_ element: String) { body.append(element) }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", attributes: String = "") {
        add("<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor)\"\(attributes.isEmpty ? "" : " " + attributes)>\(Self.escape(content))</text>")
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, attributes: String = "") {
        add("<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\"\(attributes.isEmpty ? "" : " " + attributes)/>")
    }

    var rendered: String {
        (["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
          "<rect width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>"]
            + body + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    static func n(_ v: Double) -> String {
        let s = String(format: "%.1f", v)
        return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
