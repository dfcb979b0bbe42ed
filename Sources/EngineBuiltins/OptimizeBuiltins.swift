import NasCore
import NasLang
import NasOptimize

/// Pareto utilities on plain lists, for exploring results by hand: objectives are minimized
/// (negate what you maximize).
enum OptimizeBuiltins {
    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("pareto", [.init("points", .list(.list(.real)))],
                           doc: "Indices of the non-dominated points (all objectives minimized) in a list of equal-length number lists.") { call in
            let points = try vectors(call, "points")
            return .list(Pareto.front(points).map { .number(Double($0)) })
        })
        r.register(Builtin("hypervolume", [.init("points", .list(.list(.real))), .init("reference", .list(.real))],
                           doc: "Exact hypervolume dominated by the points (all objectives minimized) up to the reference point; points beyond it add nothing.") { call in
            let points = try vectors(call, "points")
            let reference = try numbers(call, "reference")
            try checkShapes(call, points, "points", reference)
            return .number(Hypervolume.of(points, reference: reference))
        })
        r.register(Builtin("hypervolume_improvement", [.init("point", .list(.real)), .init("front", .list(.list(.real))), .init("reference", .list(.real))],
                           doc: "What the point adds to the front's hypervolume (all objectives minimized): hypervolume(front + [point]) - hypervolume(front), computed without the front's own volume; 0 when the front already covers it or it lies beyond the reference.") { call in
            let point = try numbers(call, "point")
            let front = try vectors(call, "front")
            let reference = try numbers(call, "reference")
            guard point.count == reference.count else {
                throw call.error("hypervolume_improvement: the point needs \(reference.count) objectives, like the reference", at: "point")
            }
            try checkShapes(call, front, "front", reference)
            return .number(Hypervolume.improvement(of: point, over: front, reference: reference))
        })
    }

    /// A list of numbers, such as a reference point.
    static func numbers(_ call: BuiltinCall, _ parameter: String) throws -> [Double] {
        guard case .list(let items) = call[parameter] else {
            throw call.error("\(call.name): '\(parameter)' must be a list of numbers", at: parameter)
        }
        return try items.map { item -> Double in
            guard case .number(let q) = item else { throw call.error("\(call.name): '\(parameter)' must hold numbers", at: parameter) }
            return q.value
        }
    }

    /// Every point has the reference's objectives, and the set is small enough where exact
    /// hypervolume is exponential in the objectives.
    static func checkShapes(_ call: BuiltinCall, _ points: [[Double]], _ parameter: String, _ reference: [Double]) throws {
        guard points.allSatisfy({ $0.count == reference.count }) else {
            throw call.error("\(call.name): every point needs \(reference.count) objectives, like the reference", at: parameter)
        }
        guard reference.count <= 6 || points.count <= 64 else {
            throw call.error("\(call.name): more than 6 objectives is limited to 64 points (exact hypervolume is exponential in the objectives)", at: parameter)
        }
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
