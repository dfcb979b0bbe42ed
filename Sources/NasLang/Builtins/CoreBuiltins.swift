import Foundation
import NasCore

/// Builtins every session has, independent of the engine.
enum CoreBuiltins {
    /// `str`, `type` and `len` take any value; `len` says which have no length.
    static let value = TypedParameter<Value>(value: "value", .any)
    /// `keys` takes any value so that its own error names what it was given.
    static let record = TypedParameter<Value>(value: "record", .any)

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("print", variadic: true, doc: "Prints its arguments separated by spaces.") { call in
            call.context.write(call.rest.map(\.value.printed).joined(separator: " ") + "\n")
            return .none
        })
        r.register(Builtin("str", declaring: [value], doc: "The value as text, as print would show it.") { call in
            .string(try call[Self.value].printed)
        })
        r.register(Builtin("type", declaring: [value], doc: "The name of a value's type.") { call in
            .string(try call[Self.value].typeName)
        })
        r.register(Builtin("len", declaring: [value], doc: "Number of items in a list, range, record or string.") { call in
            switch try call[Self.value] {
            case .list(let items): return .number(Double(items.count))
            case .range(let lo, let hi): return .number(Double(max(0, hi - lo + 1)))
            case .record(let rec): return .number(Double(rec.count))
            case .string(let s): return .number(Double(s.count))
            case .space(let s): return .number(Double(s.parameters.count))
            case let other: throw call.error("len: \(other.typeName) has no length", at: Self.value.name)
            }
        })
        r.register(Builtin("keys", declaring: [record], doc: "Field names of a record, in order.") { call in
            let given = try call[Self.record]
            guard case .record(let rec) = given else {
                throw call.error("keys: expected a record, not \(given.typeName)", at: Self.record.name)
            }
            return .list(rec.keys.map { .string($0) })
        })
        registerMath(into: &r)
        registerCollections(into: &r)
        registerUnits(into: &r)
        HardwareBuiltins.register(into: &r)
    }

    /// `x` of the functions that keep its unit (`abs(-3 KB)` is 3 KB), and of `round`.
    static let quantityX = TypedParameter<Quantity>("x", .anyQuantity)
    /// `x` of the functions defined on plain numbers only (`sqrt`, `log`, ...).
    static let plainX = TypedParameter<Quantity>("x", .real)
    static let digits = TypedParameter<Int>("digits", .integer(0...15, odd: false), default: 0)
    static let base = TypedParameter<Double>("x", .real)
    static let exponent = TypedParameter<Double>("y", .real)

    private static func registerMath(into r: inout BuiltinRegistry) {
        func unary(_ name: String, _ doc: String, keepsUnit: Bool, domain: ((Double) -> Bool)? = nil,
                   _ f: @escaping (Double) -> Double) {
            let x = keepsUnit ? quantityX : plainX
            r.register(Builtin(name, declaring: [x], doc: doc) { call in
                let q = try call[x]
                if let domain, !domain(q.value) {
                    throw call.error("\(name): \(NumberFormat.plain(q.value)) is outside its domain", at: x.name)
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
        r.register(Builtin("round", declaring: [quantityX, digits],
                           doc: "Rounds to `digits` decimal places; keeps the unit.") { call in
            var q = try call[Self.quantityX]
            let digits = try call[Self.digits]
            let scale = pow(10.0, Double(digits))
            q.value = (q.value * scale).rounded() / scale
            return .number(q)
        })
        r.register(Builtin("pow", declaring: [base, exponent], doc: "x to the power y (plain numbers).") { call in
            .number(Foundation.pow(try call[Self.base], try call[Self.exponent]))
        })
    }

    /// What `sum` adds: numbers in one unit, which the body checks item by item.
    static let numbers = TypedParameter<[Value]>("values", .list(.anyQuantity))
    /// The list `list`, `map`, `filter` and `sort` go through; a range reads as its numbers.
    static let values = TypedParameter<[Value]>("values", .list(.any))
    static let f = TypedParameter<Function>(function: "f")
    static let keep = TypedParameter<Function>(function: "keep")
    /// `sort(by:)`: a field name or a key function, told apart by the body; none sorts the items themselves.
    static let by = TypedParameter<Value>(value: "by", .either([.string, .function]), default: Value.none)
    static let descending = TypedParameter<Bool>("descending", default: false)

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
        r.register(Builtin("sum", declaring: [numbers], doc: "Sum of a list of numbers (same units).") { call in
            var total: Quantity?
            for item in try call[Self.numbers] {
                guard case .number(let q) = item else {
                    throw call.error("sum: expected numbers, not \(item.typeName)", at: Self.numbers.name)
                }
                guard total == nil || total!.dimension == q.dimension else {
                    throw call.error("sum: cannot add \(total!.dimension.noun) and \(q.dimension.noun)", at: Self.numbers.name)
                }
                total = Quantity(value: (total?.value ?? 0) + q.value, dimension: q.dimension)
            }
            return .number(total ?? Quantity(value: 0))
        })
        r.register(Builtin("list", declaring: [values], doc: "Turns a range into a list.") { call in
            .list(try call[Self.values])
        })
        r.register(Builtin("map", declaring: [values, f], doc: "Applies f to each item: map(xs, fn(x) = x * 2).") { call in
            let f = try call[Self.f]
            return .list(try call[Self.values].map { try call.context.call(f, [$0], at: call.span) })
        })
        r.register(Builtin("filter", declaring: [values, keep],
                           doc: "Items for which keep(item) is true.") { call in
            let keep = try call[Self.keep]
            return .list(try call[Self.values].filter { item in
                let verdict = try call.context.call(keep, [item], at: call.span)
                guard case .bool(let b) = verdict else {
                    throw call.error("filter: keep must return true or false, not \(verdict.typeName)", at: Self.keep.name)
                }
                return b
            })
        })
        r.register(Builtin("sort", declaring: [values, by, descending],
                           doc: "Sorted copy; `by` picks a field name or a key function.") { call in
            let items = try call[Self.values]
            let by = try call[Self.by]
            var keys: [Value] = []
            for item in items {
                switch by {
                case .none: keys.append(item)
                case .string(let field):
                    guard case .record(let rec) = item, let v = rec[field] else {
                        throw call.error("sort: an item has no field '\(field)'", at: Self.by.name)
                    }
                    keys.append(v)
                case .function(let f): keys.append(try call.context.call(f, [item], at: call.span))
                case let other: throw call.error("sort: `by` must be a field name or a function, not \(other.typeName)", at: Self.by.name)
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
            if try call[Self.descending] { order.reverse() }
            return .list(order.map { items[$0] })
        })
    }

    /// A unit suffix by name (`"KB"`, `"MHz"`); a misspelt one is refused at `check` with the nearest names.
    static let unit = TypedParameter<String>("unit", .choice(UnitSuffix.names))

    private static func registerUnits(into r: inout BuiltinRegistry) {
        r.register(Builtin("value_in", declaring: [quantityX, unit],
                           doc: "A quantity as a plain number in the given unit: value_in(256 KB, \"B\") is 262144.") { call in
            let q = try call[Self.quantityX]
            let unit = try call[Self.unit]
            // The parameter's type admits only the names of `UnitSuffix.all`.
            guard let suffix = UnitSuffix.all[unit] else { throw call.error("value_in: unknown unit '\(unit)'", at: Self.unit.name) }
            guard suffix.dimension == q.dimension else {
                throw call.error("value_in: \(unit) measures \(suffix.dimension.noun), but x is \(q.dimension.noun)", at: Self.unit.name)
            }
            return .number(q.value / suffix.scale)
        })
    }
}
