import NasCore
import NasStudy

/// A search space over networks, as the engine reads it: each parameter a name (a model
/// setting, `family`, or a training or compression knob), the values it may take, and
/// whether it varies per weighted layer. The language's `space` declaration becomes one of
/// these (EngineBuiltins); nothing here knows of spans or script values.
public struct NetworkSpace: Sendable {
    public struct Parameter: Sendable {
        public enum Domain: Sendable {
            /// One of the values (`width in [8, 16, 32]`).
            case categorical([ParameterValue])
            /// A whole number from the first to the second, both included (`depth in 1..4`).
            case integer(Int, Int)
            /// A number between the two, on a log scale when `log` (`lr in 0.001 ~ 0.1 log`).
            case continuous(Double, Double, log: Bool)
            /// Not searched (`epochs = 5`).
            case fixed(ParameterValue)

            public var isFixed: Bool { if case .fixed = self { return true }; return false }

            /// The values the domain can give, as far as checks need them: every choice, the
            /// ends of a range or an interval, the fixed value.
            public var values: [ParameterValue] {
                switch self {
                case .categorical(let values): return values
                case .integer(let lo, let hi): return [.number(Double(lo)), .number(Double(hi))]
                case .continuous(let lo, let hi, _): return [.number(lo), .number(hi)]
                case .fixed(let v): return [v]
                }
            }
        }

        public let name: String
        public let domain: Domain
        public let perLayer: Bool

        public init(_ name: String, _ domain: Domain, perLayer: Bool = false) {
            self.name = name
            self.domain = domain
            self.perLayer = perLayer
        }
    }

    public let name: String
    public let parameters: [Parameter]

    public init(name: String, parameters: [Parameter]) {
        self.name = name
        self.parameters = parameters
    }

    public func parameter(_ name: String) -> Parameter? { parameters.first { $0.name == name } }
}

/// Why a space cannot be decoded. The parameter is named by its index in the space, so the
/// language can point at its declaration.
public enum SpaceProblem: Error, Equatable, Sendable {
    /// nasbook does not know the parameter's name (`SpaceDecoder.knownNames`).
    case unknownParameter(Int)
    /// The parameter varies per layer, which only `prune` and `bits` can.
    case notPerLayer(Int)
    /// No network of the space can be built for the input (per-layer knobs need one).
    case noBuildableNetwork
}
