import Foundation
import NasCore
import NasFiles
import NasLang
import NasRender

/// `plot(...)` and `bars(...)`: search results and curves as text plots on the console
/// (coloured only on a terminal) or, with `to: "file.svg"`, as SVG files for reports.
enum PlotBuiltins {
    /// `plot`'s axes: record fields, checked against the records by `PlotData.field` (with
    /// did-you-mean from the numeric fields); none picks them (accuracy against ram, ...).
    static let x = TypedParameter<String?>("x")
    static let y = TypedParameter<String?>("y")
    /// `plot(log: "xy")`: which axes are logarithmic.
    static let log = TypedParameter<PlotData.LogAxes?>("log")
    static let plotWidth = TypedParameter<Int>("width", .integer(atLeast: 1, atMost: 400), default: 60)
    static let plotHeight = TypedParameter<Int>("height", .integer(atLeast: 1, atMost: 200), default: 16)

    /// What `bars` draws: a list of numbers, a record of lists or a list of records, told
    /// apart by `barChart`.
    static let barData = TypedParameter<Value>(value: "data", .any)
    /// `bars(labels:)`: a list, one per row, or the name of the field that labels each record.
    static let labels = TypedParameter<Value>(value: "labels", .either([.string, .list(.any)]), default: Value.none)
    static let barWidth = TypedParameter<Int>("width", .integer(atLeast: 1, atMost: 200), default: 24)

    /// Both builtins': a title, an SVG file to write instead of printing, and plain ASCII
    /// instead of braille and block characters.
    static let title = TypedParameter<String?>("title")
    static let to = TypedParameter<String?>("to", .path)
    static let ascii = TypedParameter<Bool>("ascii", default: false)

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("plot", declaring: [
            TrialStanding.data, x, y, TrialStanding.budget, TrialStanding.objectives, title, log, to, ascii, plotWidth, plotHeight,
        ], doc: "Plots records (a study, s.trials, or [{ram: 40 KB, accuracy: 0.8}, ...]) as a scatter of fields x and y: the Pareto front of the two (accuracy maximized, the rest minimized, or as `objectives` says) highlighted, budget limits drawn as lines, violating or failed trials marked. A list of numbers, or a record of such lists, is a line plot. log: \"x\", \"y\" or \"xy\"; to: \"file.svg\" writes SVG instead of printing.") { call in
            let (plot, note) = try PlotData.plot(call)
            try emit(call, text: { braille, colour in
                plot.renderText(TextPlotOptions(width: try call[Self.plotWidth], height: try call[Self.plotHeight],
                                                braille: braille, colour: colour)) + (note.map { "\n" + $0 } ?? "")
            }, svg: { plot.renderSVG() })
            return .none
        })
        r.register(Builtin("bars", declaring: [barData, labels, title, to, ascii, barWidth], doc: "Horizontal bar chart, one row per layer (or item): a list of numbers, a record of lists ({prune: [...], bits: [...]}), or a list of records, one bar column per numeric field. labels: a list, or the field naming each row. Fractions in [0, 1] are drawn against 1. to: \"file.svg\" writes SVG.") { call in
            let chart = try barChart(call)
            try emit(call, text: { braille, colour in
                chart.renderText(barWidth: try call[Self.barWidth], braille: braille, colour: colour)
            }, svg: { chart.renderSVG() })
            return .none
        })
    }

    /// Prints the text form, in colour only when output is a terminal (the same test that
    /// lets progress bars redraw), or writes the SVG to `to:` and says where.
    static func emit(_ call: BuiltinCall, text: (_ braille: Bool, _ colour: Bool) throws -> String, svg: () -> String) throws {
        guard let shown = try call[Self.to] else {
            let braille = !(try call[Self.ascii])
            call.context.write(try text(braille, call.context.liveProgress) + "\n")
            return
        }
        guard shown.lowercased().hasSuffix(".svg") else {
            throw call.error("\(call.name): 'to' must name an .svg file, not \"\(shown)\"", at: Self.to.name, hint: "for example: to: \"front.svg\"")
        }
        let path = try call.checked(shown, .write, at: Self.to.name)
        do {
            try AtomicFile.write(Data(svg().utf8), to: path)
        } catch let d as Diagnostic {
            throw d
        } catch {
            throw call.error("\(call.name): \(error)", at: Self.to.name)
        }
        call.context.write("wrote \(shown)\n")
    }

    static let palette: [PlotColour] = [.blue, .green, .magenta, .cyan, .yellow]

    static func barChart(_ call: BuiltinCall) throws -> BarChart {
        var labelTitle = "layer"
        var labels: [String]?
        var columns: [NumberColumn]
        let data = try call[Self.barData], labelsGiven = try call[Self.labels]
        switch data {
        case .list(let items) where !items.isEmpty && items.allSatisfy({ if case .record = $0 { return true }; return false }):
            let records = items.compactMap { item -> Record? in if case .record(let r) = item { return r }; return nil }
            var labelField: String?
            if case .string(let field) = labelsGiven {
                guard records.allSatisfy({ $0[field] != nil }) else {
                    throw call.error("bars: not every record has the field '\(field)'", at: "labels",
                                     hint: Suggestions.hint(for: field, in: records[0].keys))
                }
                labelField = field
            } else {
                labelField = records[0].fields.first { if case .string = $0.value { return true }; return false }?.key
            }
            if let labelField {
                labelTitle = labelField
                labels = records.map { $0[labelField]!.printed }
            }
            var names: [String] = []
            for r in records {
                for (key, value) in r.fields where key != labelField && !names.contains(key) {
                    if case .number = value { names.append(key) }
                }
            }
            guard !names.isEmpty else { throw call.error("bars: the records have no numeric fields to draw", at: "data") }
            columns = try names.map { name in
                try PlotData.column(name, of: records, call: call)
            }
        case .record(let r) where r.count > 0:
            columns = try r.fields.map { try numbers($0.value, name: $0.key, call: call) }
            guard Set(columns.map(\.values.count)).count == 1 else {
                throw call.error("bars: the lists have different lengths (" + columns.map { "\($0.name): \($0.values.count)" }.joined(separator: ", ") + ")", at: "data")
            }
        case .list, .range:
            columns = [try numbers(data, name: "value", call: call)]
        default:
            throw call.error("bars: 'data' must be a list of numbers, a record of lists or a list of records, not \(data.typeName)", at: "data",
                             hint: "for example: bars({prune: [0.2, 0.5, 0.3], bits: [8, 4, 8]})")
        }
        let count = columns[0].values.count
        guard count > 0 else { throw call.error("bars: nothing to draw: the list is empty", at: "data") }
        switch labelsGiven {
        case .list(let items):
            guard items.count == count else {
                throw call.error("bars: \(items.count) labels for \(count) rows", at: "labels")
            }
            labels = items.map(\.printed)
        case .none, .string: break
        default: throw call.error("bars: 'labels' must be a list or a field name, not \(labelsGiven.typeName)", at: "labels")
        }
        let series = columns.enumerated().map { k, column -> BarSeries in
            let values = column.values.map { $0 ?? 0 }
            let fractions = column.dimension == .none && values.allSatisfy { (0...1).contains($0) }
            return BarSeries(column.name, values: values,
                             valueLabels: column.values.map { $0.map { NumberFormat.label(Quantity(value: $0, dimension: column.dimension)) } ?? "" },
                             maximum: fractions ? 1 : nil, colour: palette[k % palette.count])
        }
        return BarChart(title: try call[Self.title], labelTitle: labelTitle,
                        labels: labels ?? (1...count).map(String.init), series: series)
    }

    /// A list (or range) of numbers in one dimension; `name` is empty for the lone list of a call.
    static func numbers(_ value: Value, name: String, call: BuiltinCall) throws -> NumberColumn {
        let items: [Value]
        switch value {
        case .list(let list): items = list
        case .range(let lo, let hi):
            guard hi < lo || hi - lo < Value.maxMaterializedCount else {
                throw call.error("\(call.name): range \(lo)..\(hi) is too large to draw", at: "data")
            }
            items = hi < lo ? [] : (lo...hi).map { .number(Double($0)) }
        default: throw call.error("\(call.name): '\(name)' must be a list of numbers, not \(value.typeName)", at: "data")
        }
        let which = name.isEmpty ? "" : " of '\(name)'"
        var dimension: NasCore.Dimension?
        let values = try items.enumerated().map { i, item -> Double? in
            guard case .number(let q) = item else {
                throw call.error("\(call.name): item \(i + 1)\(which) is \(item.typeName), not a number", at: "data",
                                 hint: item.typeName == "list" ? "for several curves, pass a record of lists: {a: [...], b: [...]}" : nil)
            }
            if let d = dimension, d != q.dimension {
                throw call.error("\(call.name): the numbers\(which) mix \(d.noun) and \(q.dimension.noun)", at: "data")
            }
            dimension = q.dimension
            return q.value.isFinite ? q.value : nil
        }
        return NumberColumn(name: name, dimension: dimension ?? .none, values: values)
    }
}
