import NasLang
import NasSearch
import NasStudy

/// The language's side of the cost oracle (`NasSearch.CostOracle`): a decoded configuration's
/// settings, cut to its network's layers, as script values.
extension CostOracle {
    func settings(_ configuration: SpaceDecoder.Configuration) -> [(String, Value)] {
        let stored: [(String, ParameterValue)] = settings(configuration)
        return stored.map { ($0.0, Value($0.1)) }
    }
}
