/// Every strategy a search can name, once: its name as scripts write it (`strategy: ars_mobo`),
/// how to make it from a seed, and how many dimensions it handles. The language's `strategy:`
/// choices, its bare words and the did-you-mean all read this list, so a new strategy is one
/// entry here.
public enum StrategyRegistry {
    public struct Entry: Sendable {
        public let name: String
        /// Strategies seeded by a Sobol design (or drawing Sobol candidates) handle at most
        /// `Sobol.maxDimensions` dimensions.
        public let usesSobol: Bool
        public let make: @Sendable (_ seed: UInt64) -> any Strategy

        /// The most dimensions the strategy handles; nil: any number.
        public var maxDimensions: Int? { usesSobol ? Sobol.maxDimensions : nil }
    }

    /// In the order `:help search` and the hints list them.
    public static let entries: [Entry] = [
        Entry(name: "random", usesSobol: false) { RandomSearch(seed: $0) },
        Entry(name: "sobol", usesSobol: true) { SobolSearch(seed: $0) },
        Entry(name: "nsga2", usesSobol: false) { NSGA2(seed: $0) },
        Entry(name: "parego", usesSobol: true) { ParEGO(seed: $0) },
        Entry(name: "mobo", usesSobol: true) { ExpectedHypervolumeSearch(seed: $0) },
        Entry(name: "nehvi", usesSobol: true) { ExpectedHypervolumeSearch(seed: $0, noisy: true) },
        Entry(name: "turbo", usesSobol: true) { TuRBO(seed: $0) },
        Entry(name: "morbo", usesSobol: true) { MORBO(seed: $0) },
        Entry(name: "ars_mobo", usesSobol: true) { ARSMOBO(seed: $0) },
        Entry(name: "ars_layers", usesSobol: true) { LayerwiseARSMOBO(seed: $0) },
    ]

    public static var names: [String] { entries.map(\.name) }

    public static func entry(named name: String) -> Entry? { entries.first { $0.name == name } }
}
