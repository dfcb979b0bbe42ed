import NasCore
import NasCost
import NasData
import NasLang
import NasNN
import NasQuant
import NasRender
import NasSearch
import NasTrial

/// `cost(model, target)` and `fits(model, target, budget)`: what a model needs on a board,
/// computed from its shape alone, so budgets are checked before anything is trained.
enum CostBuiltins {
    /// A model spec or a trained model: the body tells them apart.
    static let model = TypedParameter<Value>(value: "model", .anyModel)
    /// Read by `target(_:)`, which also turns a board record into the cost model's board.
    static let targetBoard = TypedParameter<Value>(value: "target", .board)
    /// Fitted to the model's weighted layers in `evaluate`; none keeps the model's own widths.
    static let bits = TypedParameter<PerLayer<BitWidth>?>(optionalBitWidths: "bits")
    static let data = TypedParameter<Dataset?>(optionalDataset: "data")
    static let budget = TypedParameter<Budget?>(optionalBudget: "budget")

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("cost", declaring: [model, targetBoard, bits, data],
                           doc: "Flash, RAM (tensor-arena plan), MACs and estimated latency of a model on a board, with a per-layer table. bits: weight bit-width, one number or a list per weighted layer (default: the model's own, 8 unless compressed).") { call in
            let (report, board) = try evaluate(call)
            return .native(CostValue(report: report, board: board.name))
        })
        r.register(Builtin("fits", declaring: [model, targetBoard, budget, bits, data],
                           doc: "Whether a model fits the board's RAM and flash and the budget's ram/flash/macs/params/latency limits; lists what does not.") { call in
            let (report, board) = try evaluate(call)
            var violations: [Value] = []
            // Costs only: accuracy and loss are known after training, so their limits are not judged here.
            let costs = MetricValues(cost: report)
            for limit in NetworkStudy.boardLimits(board) where !limit.admits(costs) {
                violations.append(.string("\(limit.metric.name) \(limit.metric.format(costs[limit.metric] ?? .nan, beside: limit.limit)) exceeds the board's \(limit.limitQuantity.description)"))
            }
            if let budget = try call[Self.budget] {
                for constraint in budget.constraints {
                    guard let value = costs[constraint.metric], !constraint.admits(value) else { continue }
                    violations.append(.string("\(constraint.metric.name) \(constraint.metric.format(value, beside: constraint.limit)) violates \(constraint.description)"))
                }
            }
            return .record(Record(kind: .fit, [("fits", .bool(violations.isEmpty)), ("violations", .list(violations))]
                                  + summaryRecord(report).fields.map { ($0.key, $0.value) }))
        })
    }

    static func evaluate(_ call: BuiltinCall) throws -> (CostReport, TargetBoard) {
        let board = try target(call)
        let model: Model
        var compressedBits: [BitWidth]?
        var trainedWeights = false
        let given = try call[Self.model]
        switch given {
        case .native(let trained as TrainedModel):
            model = trained.model
            compressedBits = trained.bits
            trainedWeights = true
        case .native(let spec as ModelSpec):
            if let data = try call[Self.data] {
                model = try ModelBuiltins.build(spec, input: data.sampleShape, classes: data.classCount, seed: 1, call: call)
            } else {
                let input = spec.family.defaultInput
                model = try ModelBuiltins.build(spec, input: input.shape, classes: input.classes, seed: 1, call: call)
            }
        default:
            throw call.error("\(call.name): 'model' must be a model, not \(given.typeName)", at: Self.model.name)
        }
        let graph: DeploymentGraph
        do {
            graph = try DeploymentGraph(model)
        } catch let error as ShapeError {
            throw call.error("\(call.name): \(error.description)", at: "model")
        }
        let weighted = graph.weightedOps.count
        let bits: [BitWidth]
        if let widths = try call[Self.bits] {
            bits = try call.fitted(widths, Self.bits.name, layers: weighted)
        } else {
            bits = compressedBits ?? Array(repeating: .eight, count: weighted)
        }
        // A trained model's pruned weights are stored as a bitmap where that is smaller: count
        // its int8 zeros at these widths (a diverged model, which cannot be exported, counts dense).
        let nonZero = trainedWeights ? (try? FoldedNetwork(model)).map { IntegerNetwork.nonZeroWeights($0, bits: bits) } ?? [] : []
        return (CostReport(graph, board: board, bits: bits, nonZeroWeights: nonZero), board)
    }

    /// A board record from `stdlib/boards.nas` (or `board(...)`) as the cost model's target.
    static func target(_ call: BuiltinCall) throws -> TargetBoard {
        let given = try call[Self.targetBoard]
        guard case .record(let r) = given, r.kind == .board,
              case .string(let name)? = r["name"], case .string(let core)? = r["core"],
              case .number(let clock)? = r["clock"], case .number(let ram)? = r["ram"], case .number(let flash)? = r["flash"] else {
            throw call.error("\(call.name): 'target' must be a board, not \(given.typeName)", at: Self.targetBoard.name,
                             hint: "use \"boards\" and pass boards.nucleo_f746zg, or make one with board(...)")
        }
        // Board records are mutable (`b.ram = 1e30 B`): check before converting, which would trap.
        func bytes(_ q: Quantity, _ field: String) throws -> Int {
            guard q.dimension == .memory, let n = Quantity(value: q.value.rounded()).exactInt, n >= 0 else {
                throw call.error("\(call.name): the board's \(field) must be a byte count from 0 B to 8 PB, not \(q.description)", at: "target")
            }
            return n
        }
        guard clock.value.isFinite, clock.value > 0 else {
            throw call.error("\(call.name): the board's clock must be a positive frequency, not \(clock.description)", at: "target")
        }
        return TargetBoard(name: name, core: CoreProfile.named(core), clockHz: clock.value, ramBytes: try bytes(ram, "ram"),
                           flashBytes: try bytes(flash, "flash"))
    }

    static func summaryRecord(_ report: CostReport) -> Record {
        Record(kind: .cost, [
            ("flash", .number(Double(report.flashBytes), .memory)),
            ("ram", .number(Double(report.ramBytes), .memory)),
            ("macs", .number(Double(report.macs))),
            ("params", .number(Double(report.parameters))),
            ("latency", .number(report.latencySeconds, .time)),
        ])
    }

    static func table(_ report: CostReport, board: String) -> String {
        var rows = report.layers.map { l in
            [l.op.rawValue, describe(shape: l.outputShape), NumberFormat.count(Double(l.parameters)), NumberFormat.count(Double(l.macs)),
             String(l.activationBytes), String(l.liveBytes), String(l.flashBytes)]
        }
        var columns: [TextTable.Column] = [.init("op"), .init("output"), .init("params", .right), .init("MACs", .right),
                                           .init("act B", .right), .init("live B", .right), .init("flash B", .right)]
        let sparse = report.sparseLayers
        // Which layers store a bitmap of non-zeros: a column only when some do.
        if !sparse.isEmpty {
            columns.append(.init("weights"))
            for (i, layer) in report.layers.enumerated() {
                rows[i].append(layer.storage.map { $0.isSparse ? "sparse \(percent($0.sparsity)) zero" : "dense" } ?? "")
            }
        }
        let table = TextTable(title: "cost on \(board)", columns: columns, rows: rows).render()
        let costs = MetricValues(cost: report)
        func show(_ metric: Metric) -> String { metric.format(costs[metric] ?? .nan) }
        var text = table + "\nflash \(show(.flash)), RAM \(show(.ram)) (tensor arena), \(show(.macs)) MACs, latency ~\(show(.latency))\n"
            + "latency \(report.latencyBasis)\n"
        if !sparse.isEmpty {
            let saved = sparse.reduce(0) { $0 + $1.layer.storage!.savedBytes }, skipped = sparse.reduce(0) { $0 + $1.layer.skippedMACs }
            text += "sparse weights (a bitmap of the non-zeros, then their values) in \(sparse.count) of "
                + "\(report.layers.filter { $0.storage != nil }.count) weighted layers: "
                + "\(Metric.flash.format(Double(saved))) less flash, \(NumberFormat.count(Double(skipped))) fewer MACs than dense\n"
        }
        return text
    }

    /// `62%`: a fraction as a whole percentage.
    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded()))%" }
}

/// `cost(...)`'s result: members for the totals, the per-layer table when shown.
struct CostValue: NativeValue {
    let report: CostReport
    let board: String

    var typeName: String { "cost" }
    var memberNames: [String] { CostBuiltins.summaryRecord(report).keys }
    func member(_ name: String) -> Value? { CostBuiltins.summaryRecord(report)[name] }

    var summary: String {
        CostBuiltins.summaryRecord(report).fields.map { "\($0.key): \($0.value.inline)" }.joined(separator: ", ")
    }

    func render() -> String { CostBuiltins.table(report, board: board) }
}
