import NasCost
import NasLang
import NasSearch
import NasTrial

/// The language's side of the cost oracle (`NasSearch.CostOracle`): a decoded configuration's
/// architecture key and cost, and its settings as tables and the database show them.
extension CostOracle {
    /// An oracle for the points `decoder` decodes.
    convenience init(decoder: SpaceDecoder, runner: TrialRunner, input: [Int], classes: Int) {
        self.init(dimensions: decoder.dimensions.count, runner: runner, input: input, classes: classes) { x in
            let configuration = decoder.decode(x)
            return (configuration.plan, configuration.spec.summary)
        }
    }

    /// The cost of the configuration's compressed network; nil when it cannot be built.
    func cost(_ configuration: SpaceDecoder.Configuration) -> CostReport? {
        cost(configuration.plan, architecture: configuration.spec.summary)
    }

    /// The settings with per-layer lists cut to the layers this network has (a space's lists
    /// are sized for its largest network), as tables and the database show them.
    func settings(_ configuration: SpaceDecoder.Configuration) -> [(String, Value)] {
        guard let layers = weightedLayers(configuration.plan, architecture: configuration.spec.summary) else {
            return configuration.settings
        }
        return configuration.settings.map { name, value in
            if case .list(let items) = value, items.count > layers { return (name, .list(Array(items.prefix(layers)))) }
            return (name, value)
        }
    }
}
