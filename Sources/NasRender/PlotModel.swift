/// What a chart shows, independent of how it is drawn: the text renderer (Braille or ASCII)
/// and the SVG renderer both take this one description, so a plot on the terminal and the
/// `.svg` written for a report never disagree. Values arrive already in display units
/// (the caller picks KB or MB and says so in the axis title); this module knows no units.
public struct Plot: Sendable {
    public var title: String?
    public var x: Axis
    public var y: Axis
    /// Drawn in order, so later series sit on top (put the highlighted front last).
    public var series: [Series]
    /// Budget limits and other thresholds, drawn as dashed lines with their labels.
    public var referenceLines: [ReferenceLine]

    public init(title: String? = nil, x: Axis, y: Axis, series: [Series], referenceLines: [ReferenceLine] = []) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.referenceLines = referenceLines
    }
}

public struct Axis: Sendable {
    public enum Scale: Sendable { case linear, log }
    /// Shown next to the axis, unit included: `ram (KB)`.
    public var title: String
    public var scale: Scale

    public init(_ title: String, scale: Scale = .linear) {
        self.title = title
        self.scale = scale
    }
}

public struct PlotPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

public struct Series: Sendable {
    /// How each point is drawn. `dot` is the quiet mark for the bulk of the trials; the
    /// others are glyphs that stand out of a cloud of dots.
    public enum Marker: Sendable { case none, dot, disc, cross, alert }

    /// How consecutive points (in the given order) are joined.
    public enum Connection: Sendable {
        case none
        case lines
        /// The attainment staircase of a Pareto front: between two neighbours the corner is
        /// their worse x with their worse y, so the steps enclose exactly what the front dominates.
        case steps(xHigherIsBetter: Bool, yHigherIsBetter: Bool)
    }

    /// Empty names stay out of the legend.
    public var name: String
    public var points: [PlotPoint]
    public var marker: Marker
    public var connection: Connection
    public var colour: PlotColour
    /// Draws the connection dotted, so two curves stay apart where colour is off.
    public var dotted: Bool

    public init(_ name: String, points: [PlotPoint], marker: Marker = .dot, connection: Connection = .none,
                colour: PlotColour = .blue, dotted: Bool = false) {
        self.name = name
        self.points = points
        self.marker = marker
        self.connection = connection
        self.colour = colour
        self.dotted = dotted
    }

    /// The polyline the connection draws: the points themselves, or with staircase corners between them.
    public var path: [PlotPoint] {
        switch connection {
        case .none: return []
        case .lines: return points
        case .steps(let xHigher, let yHigher):
            var path: [PlotPoint] = []
            for (i, p) in points.enumerated() {
                if i > 0 {
                    let q = points[i - 1]
                    let worseX = xHigher ? min(p.x, q.x) : max(p.x, q.x)
                    let worseY = yHigher ? min(p.y, q.y) : max(p.y, q.y)
                    path.append(PlotPoint(worseX, worseY))
                }
                path.append(p)
            }
            return path
        }
    }
}

/// A threshold drawn across the whole plot: `ram <= 64 KB` is a vertical line at x = 64.
public struct ReferenceLine: Sendable {
    public enum Orientation: Sendable { case vertical, horizontal }
    public var orientation: Orientation
    public var value: Double
    public var label: String
    public var colour: PlotColour

    public init(_ orientation: Orientation, at value: Double, label: String, colour: PlotColour = .yellow) {
        self.orientation = orientation
        self.value = value
        self.label = label
        self.colour = colour
    }
}

/// The few colours plots use, each with its terminal escape and its SVG paint.
public enum PlotColour: Sendable, CaseIterable {
    case grey, blue, green, red, yellow, magenta, cyan

    /// SGR foreground code (bright variants read well on dark and light terminals).
    var ansiCode: String {
        switch self {
        case .grey: return "90"
        case .blue: return "94"
        case .green: return "92"
        case .red: return "91"
        case .yellow: return "33"
        case .magenta: return "95"
        case .cyan: return "96"
        }
    }

    var svgPaint: String {
        switch self {
        case .grey: return "#9a9a9a"
        case .blue: return "#1f77b4"
        case .green: return "#2ca02c"
        case .red: return "#d62728"
        case .yellow: return "#d08c00"
        case .magenta: return "#b0309a"
        case .cyan: return "#17a2b8"
        }
    }

    /// Wraps text in the colour's escape when colour is on; plain text otherwise.
    public func paint(_ text: String, enabled: Bool) -> String {
        enabled && !text.isEmpty ? "\u{1B}[" + ansiCode + "m" + text + "\u{1B}[0m" : text
    }
}
