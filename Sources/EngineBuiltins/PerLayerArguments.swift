import NasCore
import NasLang

/// Per-layer arguments (`prune:`, `bits:`): one number or a list of numbers, read into a
/// `PerLayer` and fitted to a network by its one rule, with the errors pointing at the argument.
extension BuiltinCall {
    /// The argument as a per-layer choice of numbers, each converted (and checked) by `convert`.
    func perLayer<T>(_ parameter: String, _ convert: (Double) throws -> T) throws -> PerLayer<T> {
        switch self[parameter] {
        case .list(let items):
            return .layers(try items.map { item in
                guard case .number(let q) = item else {
                    throw error("\(name): '\(parameter)' must hold numbers, not \(item.typeName)", at: parameter)
                }
                return try convert(q.value)
            })
        default:
            return .uniform(try convert(try number(parameter)))
        }
    }

    /// The argument's bit-widths, each checked by `BitWidth`.
    func bitWidths(_ parameter: String) throws -> PerLayer<BitWidth> {
        try perLayer(parameter) { value in
            do throws(BitWidthError) {
                return try BitWidth(checking: value)
            } catch {
                throw self.error("\(name): '\(parameter)' must be \(BitWidthError.expectation), not \(error.shown)", at: parameter)
            }
        }
    }

    /// `choice` fitted to a network of `layers` weighted layers; a short list is an error at the argument.
    func fitted<T>(_ choice: PerLayer<T>, _ parameter: String, layers: Int) throws -> [T] {
        do {
            return try choice.fitted(to: layers)
        } catch {
            throw self.error("\(name): '\(parameter)' \(error)", at: parameter)
        }
    }
}
