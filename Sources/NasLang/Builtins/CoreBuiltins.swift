import Foundation
import NasCore

/// Builtins every session has, independent of the engine.
enum CoreBuiltins {
    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("print", variadic: true, doc: "Prints its arguments separated by spaces.") { call in
            call.context.write(call.rest.map(\.value.printed).joined(separator: " ") + "\n")
            return .none
        })
        r.register(Builtin("str", [.init("value", .any)], doc: "The value as text, as print would show it.") { call in
            .string(call["value"].printed)
        })
        r.register(Builtin("type", [.init("value", .any)], doc: "The name of a value's type.") { call in
            .string(call["value"].typeName)
        })
        r.register(Builtin("len", [.init("value", .any)], doc: "Number of items in a list, range, record or string.") { call in
            switch call["value"] {
            case .list(let items): return .number(Double(items.count))
            case .range(let lo, let hi): return .number(Double(max(0, hi - lo + 1)))
            case .record(let rec): return .number(Double(rec.count))
            case .string(let s): return .number(Double(s.count))
            case .space(let s): return .number(Double(s.parameters.count))
            case let other: throw call.error("len: \(other.typeName) has no length", at: "value")
            }
        })
        r.register(Builtin("keys", [.init("record", .any)], doc: "Field names of a record, in order.") { call in
            guard case .record(let rec) = call["record"] else {
                throw call.error("keys: expected a record, not \(call["record"].typeName)", at: "record")
            }
            return .list(rec.keys.map { .string($0) })
        })
        registerMath(into: &r)
        registerCollections(into: &r)
        registerUnits(into: &r)
        HardwareBuiltins.register(into: &r)
    }

    private static func registerMath(into r: inout BuiltinRegistry) {
        func unary(_ name: String, _ doc: String, keepsUnit: Bool, domain: ((Double) -> Bool)? = nil,
                   _ f: @escaping (Double) -> Double) {
            r.register(Builtin(name, [.init("x", keepsUnit ? .anyQuantity : .real)], doc: doc) { call in
                let q = try call.quantity("x")
                if let domain, !domain(q.value) {
                    throw call.error("\(name): \(NumberFormat.plain(q.value)) is outside its domain", at: "x")
                }
                return .number(Quantity(value: f(q.value), dimension: q.dimension))
            })
        }
        unary("abs", "Absolute value; keeps the unit.", keepsUnit: true, abs)
        unary("floor", "Largest whole number not above x; keeps the unit.", keepsUnit: true) { $0.rounded(.down) }
        unary("ceil", "Smallest whole number not below x; keeps the unit.", keepsUnit: true) { $0.rounded(.up) }
        unary("sqrt", "Square root.", keepsUnit: false, domain: { $0 >= 0 }, Foundation.sqrt)
        unary("exp", "e to the power x.", keepsUnit: false, Foundation.exp)
        unary("log", "Natural logarithm.", keepsUnit: false, domain: { $0 > 0 }, Foundation.log)
        unary("log2", "Base-2 logarithm.", keepsUnit: false, domain: { $0 > 0 }, Foundation.log2)
        unary("log10", "Base-10 logarithm.", keepsUnit: false, domain: { $0 > 0 }, Foundation.log10)
        r.register(Builtin("round", [.init("x", .anyQuantity), .init("digits", .integer(0...15, odd: false), default: .number(0))],
                           doc: "Rounds to `digits` decimal places; keeps the unit.") { call in
            var q = try call.quantity("x")
            let digits = try call.integer("digits")
            let scale = pow(10.0, Double(digits))
            q.value = (q.value * scale).rounded() / scale
            return .number(q)
        })
        r.register(Builtin("pow", [.init("x", .real), .init("y", .real)], doc: "x to the power y (plain numbers).") { call in
            .number(Foundation.pow(try call.number("x"), try call.number("y")))
        })
    }

    private static func registerCollections(into r: inout BuiltinRegistry) {
        func extremum(_ name: String, _ better: @escaping (Double, Double) -> Bool) {
            r.register(Builtin(name, variadic: true, doc: "The \(name)imum of a list or of its arguments (same units).") { call in
                var items = call.rest
                if items.count == 1, case .list(let list) = items[0].value { items = list.map { ($0, items[0].span) } }
                if items.count == 1, case .range(let lo, let hi) = items[0].value, lo <= hi {
                    return .number(Double(name == "min" ? lo : hi))
                }
                guard var best = items.first else { throw call.error("\(name): needs at least one value") }
                for item in items {
                    guard case .number(let a) = item.value, case .number(let b) = best.value else {
                        throw Diagnostic("\(name): expected numbers, not \(item.value.typeName)", at: item.span)
                    }
                    guard a.dimension == b.dimension else {
                        throw Diagnostic("\(name): cannot compare \(a.dimension.noun) with \(b.dimension.noun)", at: item.span)
                    }
                    if better(a.value, b.value) { best = item }
                }
                return best.value
            })
        }
        extremum("min", <)
        extremum("max", >)
        r.register(Builtin("sum", [.init("values", .list(.anyQuantity))], doc: "Sum of a list of numbers (same units).") { call in
            var total: Quantity?
            for item in try call.list("values") {
                guard case .number(let q) = item else {
                    throw call.error("sum: expected numbers, not \(item.typeName)", at: "values")
                }
                guard total == nil || total!.dimension == q.dimension else {
                    throw call.error("sum: cannot add \(total!.dimension.noun) and \(q.dimension.noun)", at: "values")
                }
                total = Quantity(value: (total?.value ?? 0) + q.value, dimension: q.dimension)
            }
            return .number(total ?? Quantity(value: 0))
        })
        r.register(Builtin("list", [.init("values", .list(.any))], doc: "Turns a range into a list.") { call in
            .list(try call.list("values"))
        })
        r.register(Builtin("map", [.init("values", .list(.any)), .init("f", .function)], doc: "Applies f to each item: map(xs, fn(x) = x * 2).") { call in
            let f = try call.function("f")
            return .list(try call.list("values").map { try call.context.call(f, [$0], at: call.span) })
        })
        r.register(Builtin("filter", [.init("values", .list(.any)), .init("keep", .function)],
                           doc: "Items for which keep(item) is true.") { call in
            let keep = try call.function("keep")
            return .list(try call.list("values").filter { item in
                let verdict = try call.context.call(keep, [item], at: call.span)
                guard case .bool(let b) = verdict else {
                    throw call.error("filter: keep must return true or false, not \(verdict.typeName)", at: "keep")
                }
                return b
            })
        })
        r.register(Builtin("sort", [.init("values", .list(.any)), .init("by", .either([.string, .function]), default: Value.none),
                                     .init("descending", .bool, default: .bool(false))],
                           doc: "Sorted copy; `by` picks a field name or a key function.") { call in
            let items = try call.list("values")
            var keys: [Value] = []
            for item in items {
                switch call["by"] {
                case .none: keys.append(item)
                case .string(let field):
                    guard case .record(let rec) = item, let v = rec[field] else {
                        throw call.error("sort: an item has no field '\(field)'", at: "by")
                    }
                    keys.append(v)
                case .function(let f): keys.append(try call.context.call(f, [item], at: call.span))
                case let other: throw call.error("sort: `by` must be a field name or a function, not \(other.typeName)", at: "by")
                }
            }
            var order = Array(items.indices)
            var failure: Diagnostic?
            order.sort { i, j in
                guard failure == nil else { return false }
                switch (keys[i], keys[j]) {
                case (.number(let a), .number(let b)) where a.dimension == b.dimension: return a.value < b.value
                case (.string(let a), .string(let b)): return a < b
                default:
                    failure = call.error("sort: cannot order \(keys[i].typeName) and \(keys[j].typeName)")
                    return false
                }
            }
            if let failure { throw failure }
            if case .bool(true) = call["descending"] { order.reverse() }
            return .list(order.map { items[$0] })
        })
    }

    private static func registerUnits(into r: inout BuiltinRegistry) {
        r.register(Builtin("value_in", [.init("x", .anyQuantity), .init("unit", .choice(UnitSuffix.names))],
                           doc: "A quantity as a plain number in the given unit: value_in(256 KB, \"B\") is 262144.") { call in
            let q = try call.quantity("x")
            let unit = try call.string("unit")
            // The parameter's type admits only the names of `UnitSuffix.all`.
            guard let suffix = UnitSuffix.all[unit] else { throw call.error("value_in: unknown unit '\(unit)'", at: "unit") }
            guard suffix.dimension == q.dimension else {
                throw call.error("value_in: \(unit) measures \(suffix.dimension.noun), but x is \(q.dimension.noun)", at: "unit")
            }
            return .number(q.value / suffix.scale)
        })
    }
}
