import NasLang
import NasOptimize

/// Pareto utilities on plain lists, for exploring results by hand: objectives are minimized
/// (negate what you maximize).
enum OptimizeBuiltins {
    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("pareto", [.init("points")],
                           doc: "Indices of the non-dominated points (all objectives minimized) in a list of equal-length number lists.") { call in
            let points = try vectors(call, "points")
            return .list(Pareto.front(points).map { .number(Double($0)) })
        })
        r.register(Builtin("hypervolume", [.init("points"), .init("reference")],
                           doc: "Exact hypervolume dominated by the points (all objectives minimized) up to the reference point; points beyond it add nothing.") { call in
            let points = try vectors(call, "points")
            guard case .list(let items) = call["reference"] else {
                throw call.error("hypervolume: 'reference' must be a list of numbers", at: "reference")
            }
            let reference = try items.map { item -> Double in
                guard case .number(let q) = item else { throw call.error("hypervolume: 'reference' must hold numbers", at: "reference") }
                return q.value
            }
            guard points.allSatisfy({ $0.count == reference.count }) else {
                throw call.error("hypervolume: every point needs \(reference.count) objectives, like the reference", at: "points")
            }
            guard reference.count <= 6 || points.count <= 64 else {
                throw call.error("hypervolume: more than 6 objectives is limited to 64 points (exact slicing is exponential)", at: "points")
            }
            return .number(Hypervolume.of(points, reference: reference))
        })
    }

    static func vectors(_ call: BuiltinCall, _ parameter: String) throws -> [[Double]] {
        let rows = try call.list(parameter)
        let vectors = try rows.map { row -> [Double] in
            guard case .list(let items) = row else {
                throw call.error("\(call.name): '\(parameter)' must be a list of number lists", at: parameter)
            }
            return try items.map { item in
                guard case .number(let q) = item else {
                    throw call.error("\(call.name): '\(parameter)' must be a list of number lists", at: parameter)
                }
                return q.value
            }
        }
        guard Set(vectors.map(\.count)).count <= 1 else {
            throw call.error("\(call.name): every point needs the same number of objectives", at: parameter)
        }
        return vectors
    }
}
