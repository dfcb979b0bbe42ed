import NasCore
import NasLang
import NasNN
import NasSearch
import NasStudy

/// The language's side of the search knobs: each `KnobDomain` (NasSearch) is a builtin
/// parameter type, so an argument such as `train(epochs:)` and a space's `epochs` are checked
/// by one declaration and their errors worded alike.
extension KnobDomain {
    /// The values admitted, as a builtin parameter declares them.
    var type: ParameterType {
        switch values {
        case .whole(let range, let odd): return .integer(range, odd: odd)
        case .number(let limits): return .number(limits)
        case .flag: return .bool
        case .choice(let names): return .choice(names)
        }
    }

    /// What the domain admits, for messages: "a whole number from 1 to 8".
    var expectation: String { type.expectation }

    /// Nil when `value` is admitted; otherwise the value as a message shows it, and a hint (a
    /// did-you-mean for choices).
    func problem(with value: Value) -> (shown: String, hint: String?)? { type.problem(with: value) }

    /// An admitted value as an Int (whole-number domains only reach here after `problem`).
    static func int(_ value: Value, default fallback: Int) -> Int {
        guard case .number(let q) = value else { return fallback }
        return int(q.value, default: fallback)
    }

    /// Teaches the language the engine's knobs: `check` refuses unknown names for choice knobs,
    /// and a space declaration is checked against every family-independent knob's domain when
    /// it runs (the family's settings are checked at `search`, once the family is known).
    static func register(into r: inout BuiltinRegistry) {
        r.defineKnobChoices("optimizer", optimizers)
        r.defineKnobChoices("family", ModelSpec.Family.allCases.map(\.rawValue))
        r.checkSpaces { space in
            for p in space.parameters {
                guard let domain = engineKnob(p.name) else { continue }
                for value in SpaceDecoder.choices(p) {
                    if let (shown, hint) = domain.problem(with: value) {
                        throw Diagnostic("space '\(space.name)': '\(p.name)' must be \(domain.expectation), not \(shown)",
                                         at: p.span, hint: hint)
                    }
                }
            }
        }
    }
}

extension NetworkSpace {
    /// The engine's reading of a declared space: its values as the study storage keeps them.
    init(_ space: SearchSpace) {
        self.init(name: space.name, parameters: space.parameters.map { p in
            let domain: Parameter.Domain
            switch p.domain {
            case .categorical(let values): domain = .categorical(values.map { ParameterValue($0) })
            case .integer(let lo, let hi): domain = .integer(lo, hi)
            case .continuous(let lo, let hi, let log): domain = .continuous(lo.value, hi.value, log: log)
            case .fixed(let v): domain = .fixed(ParameterValue(v))
            }
            return Parameter(p.name, domain, perLayer: p.perLayer)
        })
    }
}

extension SpaceDecoder {
    /// The decoder of a declared space, every problem a diagnostic at the parameter's
    /// declaration (or at `span`, the call's space argument): names first, then each value
    /// against its knob's domain, then whether a network of the space can be built.
    static func checked(space: SearchSpace, base: ModelSpec, input: [Int], classes: Int, span: SourceSpan) throws -> SpaceDecoder {
        let network = NetworkSpace(space)
        func diagnostic(_ problem: SpaceProblem) -> Diagnostic {
            switch problem {
            case .unknownParameter(let i):
                let p = space.parameters[i]
                return Diagnostic("space '\(space.name)': nasbook does not know the parameter '\(p.name)'", at: p.span,
                                  hint: Suggestions.hint(for: p.name, in: knownNames)
                                    ?? "known: family, model settings (width, depth, ...), " + (trainingKnobs + compressionKnobs).joined(separator: ", "))
            case .notPerLayer(let i):
                let p = space.parameters[i]
                return Diagnostic("'\(p.name)' cannot vary per layer", at: p.span, hint: "per layer works for: prune, bits")
            case .noBuildableNetwork:
                return Diagnostic("space '\(space.name)': no network of this space can be built for \(describe(shape: input)) input",
                                  at: span)
            }
        }
        if let problem = nameProblem(in: network) { throw diagnostic(problem) }
        try validate(space, families: families(of: network, base: base))
        do {
            return try SpaceDecoder(space: network, base: base, input: input, classes: classes)
        } catch {
            throw diagnostic(error)
        }
    }

    /// Every value a space can give each knob is in the knob's domain (`KnobDomain`): a space
    /// declaring `epochs = -1`, `bits in [1, 9]` or `dropout in [0, 2]` is an error at the
    /// declaration, before any trial runs, not a run of "complete" trials that ignored it.
    static func validate(_ space: SearchSpace, families: [ModelSpec.Family]) throws {
        for p in space.parameters {
            for domain in KnobDomain.knob(p.name, families: families) {
                if case .continuous = p.domain, case .choice = domain.values {
                    throw Diagnostic("space '\(space.name)': '\(p.name)' is a choice, not an interval", at: p.span,
                                     hint: "write \(p.name) in [...] with \(domain.expectation)")
                }
                for value in choices(p) {
                    if let (shown, hint) = domain.problem(with: value) {
                        throw Diagnostic("space '\(space.name)': '\(p.name)' must be \(domain.expectation), not \(shown)",
                                         at: p.span, hint: hint)
                    }
                }
            }
        }
    }

    /// The values a parameter can take, for checks (continuous ones: the ends), with their units.
    static func choices(_ p: SearchParameter) -> [Value] {
        switch p.domain {
        case .categorical(let values): return values
        case .integer(let lo, let hi): return [.number(Double(lo)), .number(Double(hi))]
        case .continuous(let lo, let hi, _): return [.number(lo), .number(hi)]
        case .fixed(let v): return [v]
        }
    }
}

extension Value {
    /// A setting as a script value (the inverse of `ParameterValue(_: Value)` for the values
    /// settings hold: plain numbers, strings, booleans and lists of them).
    init(_ setting: ParameterValue) {
        switch setting {
        case .number(let v): self = .number(v)
        case .string(let s): self = .string(s)
        case .bool(let b): self = .bool(b)
        case .list(let items): self = .list(items.map(Value.init))
        }
    }
}
