/// A choice made per weighted layer (a prune rate, a bit-width), as a user writes it: one value
/// for every layer, or a list in layer order.
///
/// The one fitting rule, for every per-layer list in nasbook (`compress(prune:, bits:)`,
/// `cost(bits:)`, a search space's `per layer` knobs):
/// - one value applies to every weighted layer;
/// - a list gives the k-th weighted layer its k-th entry, in the network's layer order (the
///   traversal `Model.weightedLayers()` defines, the same as the deployment graph's weighted ops);
/// - a list longer than the network leaves its last entries unused, so a search space's slots,
///   sized for its largest network, serve its smaller ones too;
/// - a list shorter than the network is an error that says how many layers the network has.
public enum PerLayer<Value> {
    /// One value for every weighted layer.
    case uniform(Value)
    /// The k-th value for the k-th weighted layer.
    case layers([Value])

    /// One value per layer for a network of `layerCount` weighted layers, by the rule above.
    public func fitted(to layerCount: Int) throws(PerLayerError) -> [Value] {
        switch self {
        case .uniform(let value):
            return Array(repeating: value, count: layerCount)
        case .layers(let values):
            guard values.count >= layerCount else { throw PerLayerError(given: values.count, layers: layerCount) }
            return Array(values.prefix(layerCount))
        }
    }

    /// The same choice with each value transformed (checked, converted).
    public func map<T, E: Error>(_ transform: (Value) throws(E) -> T) throws(E) -> PerLayer<T> {
        switch self {
        case .uniform(let value): return .uniform(try transform(value))
        case .layers(let values):
            var out: [T] = []
            out.reserveCapacity(values.count)
            for value in values { out.append(try transform(value)) }
            return .layers(out)
        }
    }
}

extension PerLayer: Equatable where Value: Equatable {}
extension PerLayer: Sendable where Value: Sendable {}

extension PerLayer: ExpressibleByArrayLiteral {
    public init(arrayLiteral values: Value...) { self = .layers(values) }
}

/// A per-layer list with fewer entries than the network has weighted layers.
public struct PerLayerError: Error, Equatable, CustomStringConvertible {
    /// Entries in the list.
    public let given: Int
    /// Weighted layers of the network it was fitted to.
    public let layers: Int

    public init(given: Int, layers: Int) {
        self.given = given
        self.layers = layers
    }

    public var description: String {
        "lists \(given) value\(given == 1 ? "" : "s"), the network has \(layers) weighted layer\(layers == 1 ? "" : "s"): "
            + "give \(layers) (one per weighted layer, in layer order) or one value for all"
    }
}
