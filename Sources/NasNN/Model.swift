/// A network built for one input shape and class count: the unit that is trained, summarized,
/// compressed and exported.
public final class Model {
    public let name: String
    public let inputShape: [Int]
    public let classes: Int
    public let network: Sequential

    /// Checks every layer's shape against the input now, so a bad configuration fails at build
    /// time with the layer it failed at, not in the middle of training.
    public init(name: String, inputShape: [Int], classes: Int, layers: [Layer]) throws {
        self.name = name
        self.inputShape = inputShape
        self.classes = classes
        network = Sequential(layers, kind: name)
        network.needsInputGradient = false
        var shape = inputShape
        for (index, layer) in layers.enumerated() {
            do {
                shape = try layer.outputShape(shape)
            } catch let error as ShapeError {
                throw ShapeError("\(name): layer \(index + 1) (\(layer.kind)): \(error.description)")
            }
        }
        guard shape == [classes] else {
            throw ShapeError("\(name): the network ends in \(shape), expected [\(classes)] class scores")
        }
    }

    public var parameters: [Parameter] { network.parameters }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    public var macs: Int { network.macs(inputShape) }

    public func forward(_ x: Tensor, training: Bool) -> Tensor { network.forward(x, training: training) }
    public func backward(_ dy: Tensor) { _ = network.backward(dy) }

    /// One row per layer, blocks expanded with their inner layers indented.
    public func summary() -> [LayerSummary] {
        var rows: [LayerSummary] = []
        func visit(_ layer: Layer, _ input: [Int], depth: Int) -> [Int] {
            let output = (try? layer.outputShape(input)) ?? input
            rows.append(LayerSummary(depth: depth, kind: layer.kind, outputShape: output,
                                     parameters: layer.parameters.reduce(0) { $0 + $1.count }, macs: layer.macs(input)))
            // Each branch of a block (a residual's body and shortcut) starts from the block's input.
            for branch in (layer as? any LayerBlock)?.branches ?? [] {
                var shape = input
                for child in branch { shape = visit(child, shape, depth: depth + 1) }
            }
            return output
        }
        var shape = inputShape
        for layer in network.layers { shape = visit(layer, shape, depth: 0) }
        return rows
    }
}

public struct LayerSummary: Sendable, Equatable {
    public let depth: Int
    public let kind: String
    public let outputShape: [Int]
    public let parameters: Int
    public let macs: Int
}
