import NasCore
import NasLang
import NasOptimize
import NasRender

/// Turns what `plot` was given into a plot description: records become a scatter with the
/// front, budget lines and marked trials; number lists become line series.
enum PlotData {
    /// The plot, and a note for the console about trials that could not be placed.
    static func plot(_ call: BuiltinCall) throws -> (Plot, String?) {
        let data = try call[TrialStanding.data]
        if let results = try TrialStanding.results(call) { return try scatter(call, results) }
        switch data {
        case .native(let native):
            throw call.error("plot: cannot plot \(native.typeName)", at: "data", hint: "plot takes records, a list of numbers or a study")
        case .list(let items) where !items.isEmpty:
            return (try lines(call, [try PlotBuiltins.numbers(data, name: "", call: call)]), nil)
        case .range:
            return (try lines(call, [try PlotBuiltins.numbers(data, name: "", call: call)]), nil)
        case .record(let r) where r.count > 0:
            return (try lines(call, try r.fields.map { try PlotBuiltins.numbers($0.value, name: $0.key, call: call) }), nil)
        case .list:
            throw call.error("plot: nothing to plot: the list is empty", at: "data")
        default:
            throw call.error("plot: 'data' must be records, a list of numbers or a study, not \(data.typeName)", at: "data",
                             hint: "for example: plot(s.trials, x: \"ram\", y: \"accuracy\") or plot(s.history)")
        }
    }

    /// Curves over their index (trial 1, 2, ...), all in one dimension; several are named
    /// by the record fields that held them.
    static func lines(_ call: BuiltinCall, _ columns: [NumberColumn]) throws -> Plot {
        guard let dimension = columns.first?.dimension, columns.allSatisfy({ $0.dimension == dimension }) else {
            throw call.error("plot: the lists hold different kinds of numbers (" + columns.map { "\($0.name): \($0.dimension.noun)" }.joined(separator: ", ") + ")", at: "data")
        }
        let magnitude = columns.flatMap { $0.values.compactMap { $0.map(abs) } }.max() ?? 0
        let unit = DisplayUnit(dimension: dimension, magnitude: magnitude)
        let series = columns.enumerated().map { k, column in
            Series(column.name, points: column.values.enumerated().compactMap { i, v in v.map { PlotPoint(Double(i + 1), $0 / unit.divisor) } },
                   marker: .none, connection: .lines, colour: PlotBuiltins.palette[k % PlotBuiltins.palette.count], dotted: k % 2 == 1)
        }
        let (xLog, yLog) = try logAxes(call)
        return Plot(title: try call[PlotBuiltins.title],
                    x: Axis(try call[PlotBuiltins.x] ?? "index", scale: xLog ? .log : .linear),
                    y: Axis(unit.title(try call[PlotBuiltins.y] ?? "value"), scale: yLog ? .log : .linear),
                    series: series)
    }

    static func scatter(_ call: BuiltinCall, _ results: TrialStanding.Results) throws -> (Plot, String?) {
        let (records, budget) = (results.records, results.budget)
        var fields: [String] = []
        for r in records { for (key, value) in r.fields where !fields.contains(key) { if case .number = value { fields.append(key) } } }

        let yName = try field(call, PlotBuiltins.y, in: records, numeric: fields)
            ?? (fields.contains("accuracy") ? "accuracy" : fields.filter { $0 != "trial" }.dropFirst().first)
        let xName = try field(call, PlotBuiltins.x, in: records, numeric: fields)
            ?? ["ram", "flash", "latency", "macs", "params"].first { fields.contains($0) && $0 != yName }
            ?? fields.first { $0 != "trial" && $0 != yName }
        guard let xName, let yName else {
            throw call.error("plot: the records need two numeric fields to plot against each other", at: "data",
                             hint: fields.isEmpty ? nil : "numeric fields: " + fields.joined(separator: ", "))
        }
        let x = try column(xName, of: records, call: call), y = try column(yName, of: records, call: call)
        let (xUnit, yUnit) = (x.unit, y.unit)

        let (xMax, yMax) = (results.maximized(xName), results.maximized(yName))

        // Classify every record: failed, over budget (or marked infeasible), or eligible for the front.
        var eligible: [PlotPoint] = [], over: [PlotPoint] = [], failed: [PlotPoint] = []
        var unplaced = 0
        for (i, r) in records.enumerated() {
            let standing = try TrialStanding.of(r, index: i, budget: budget, call: call)
            guard let xv = x.values[i], let yv = y.values[i] else {
                unplaced += 1
                continue
            }
            let p = PlotPoint(xv / xUnit.divisor, yv / yUnit.divisor)
            if standing.failed { failed.append(p) } else if !standing.eligible { over.append(p) } else { eligible.append(p) }
        }
        let frontIndices = Set(Pareto.front(eligible.map { [xMax ? -$0.x : $0.x, yMax ? -$0.y : $0.y] }))
        let front = frontIndices.map { eligible[$0] }.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        let rest = eligible.indices.filter { !frontIndices.contains($0) }.map { eligible[$0] }

        var series: [Series] = []
        if !rest.isEmpty { series.append(Series("trials (\(rest.count))", points: rest, marker: .dot, colour: .grey)) }
        if !over.isEmpty { series.append(Series("over budget (\(over.count))", points: over, marker: .cross, colour: .red)) }
        if !failed.isEmpty { series.append(Series("failed (\(failed.count))", points: failed, marker: .alert, colour: .magenta)) }
        if !front.isEmpty {
            series.append(Series("Pareto front (\(front.count))", points: front, marker: .disc,
                                 connection: .steps(xHigherIsBetter: xMax, yHigherIsBetter: yMax), colour: .green))
        }
        var lines: [ReferenceLine] = []
        for constraint in budget?.constraints ?? [] {
            let name = constraint.metric.rawValue
            guard name == xName || name == yName else { continue }
            let label = "\(name) \(constraint.comparison.rawValue) \(constraint.limitQuantity.description)"
            lines.append(name == xName
                ? ReferenceLine(.vertical, at: constraint.limit / xUnit.divisor, label: label)
                : ReferenceLine(.horizontal, at: constraint.limit / yUnit.divisor, label: label))
        }
        let (xLog, yLog) = try logAxes(call)
        let plot = Plot(title: try call[PlotBuiltins.title], x: Axis(xUnit.title(xName), scale: xLog ? .log : .linear),
                        y: Axis(yUnit.title(yName), scale: yLog ? .log : .linear), series: series, referenceLines: lines)
        let note = unplaced == 0 ? nil : "\(unplaced) of \(records.count) records have no \(xName) or \(yName) and are not shown"
        return (plot, note)
    }

    /// The field named by parameter `x` or `y`, checked against the records; nil if not given.
    static func field(_ call: BuiltinCall, _ parameter: TypedParameter<String?>, in records: [Record], numeric: [String]) throws -> String? {
        guard let name = try call[parameter] else { return nil }
        guard records.contains(where: { $0[name] != nil }) else {
            throw call.error("plot: the records have no field '\(name)'", at: parameter.name,
                             hint: Suggestions.hint(for: name, in: numeric) ?? (numeric.isEmpty ? nil : "numeric fields: " + numeric.joined(separator: ", ")))
        }
        return name
    }

    /// One field of every record as numbers in one dimension; none or a non-finite number is a gap.
    static func column(_ name: String, of records: [Record], call: BuiltinCall) throws -> NumberColumn {
        var dimension: (Dimension, Int)?
        let values = try records.enumerated().map { i, r -> Double? in
            switch r[name] {
            case .number(let q)?:
                if let (d, first) = dimension, d != q.dimension {
                    throw call.error("\(call.name): field '\(name)' is \(d.noun) in record \(first + 1) but \(q.dimension.noun) in record \(i + 1)", at: "data")
                }
                if dimension == nil { dimension = (q.dimension, i) }
                return q.value.isFinite ? q.value : nil
            case .none?, nil: return nil
            case let other?:
                throw call.error("\(call.name): field '\(name)' of record \(i + 1) is \(other.typeName), not a number", at: "data")
            }
        }
        return NumberColumn(name: name, dimension: dimension?.0 ?? .none, values: values)
    }

    /// `plot(log:)`: which axes are logarithmic.
    enum LogAxes: String, CaseIterable {
        case x, y, xy, yx
    }

    static func logAxes(_ call: BuiltinCall) throws -> (x: Bool, y: Bool) {
        guard let axes = try call[PlotBuiltins.log]?.rawValue else { return (false, false) }
        return (axes.contains("x"), axes.contains("y"))
    }
}
