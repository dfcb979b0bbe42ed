/// One walk over a network, and the capabilities the passes over it look for.
///
/// After MLX Swift's `Module.namedModules()`: every layer has a path from the top of its model
/// ("2", "3.body.0", "5.reduce"), and `Model.namedLayers()` visits them all in one fixed order,
/// parents before their insides, a residual block's body before its shortcut. That order is the
/// network's layer order everywhere: per-layer prune rates and bit-widths, the deployment
/// graph's weighted ops, the exported weights.
///
/// Passes (compression, lowering, folding, quantization) do not ask "is this a Conv2D?"; they
/// ask for a capability (`WeightedLayer`, `FoldableNormalization`). A layer that holds
/// parameters but declares none of them is not skipped: `Model.weightedLayers()` throws, naming
/// the layer, and the family tests build every architecture through it.

/// Where a layer sits in its model: the index in the top-level list, then the names of the
/// branches taken inside blocks ("body", "shortcut", "reduce", or an index in a sequence).
public struct LayerPath: Hashable, Sendable, CustomStringConvertible {
    public let components: [String]

    public init(_ components: [String]) { self.components = components }

    /// The path of a child of this layer.
    public func appending(_ name: String) -> LayerPath { LayerPath(components + [name]) }

    /// "3.body.0"; the empty path (the model itself) is "".
    public var description: String { components.joined(separator: ".") }
}

/// A layer with its path, as the traversal yields it.
public struct NamedLayer {
    public let path: LayerPath
    public let layer: Layer
}

/// A layer whose weights are a matrix of `outputChannels` columns: a convolution or a dense
/// layer. These are the layers compression prunes and quantizes per layer, the ops the
/// deployment graph stores weights for, and the ones batch norm folds into.
public protocol WeightedLayer: Layer {
    /// The weights, output channels on the last axis (HWIO for convolutions, IO for dense).
    var weight: Parameter { get }
    /// The bias, one per output channel, if the layer has one.
    var biasParameter: Parameter? { get }
    /// The weight tensor's last axis: one quantization scale each.
    var outputChannels: Int { get }
}

/// A per-channel affine map at inference, which the deployment graph folds into the weighted
/// layer before it (batch norm with its running statistics).
public protocol FoldableNormalization: Layer {
    var channels: Int { get }
    /// Folds this map into the weights (output channel on the last axis) and bias of the layer
    /// before it, so that layer alone computes both.
    func fold(weights: inout [Float], bias: inout [Float])
}

extension Conv2D: WeightedLayer {
    public var biasParameter: Parameter? { bias }
    public var outputChannels: Int { outChannels }
}

extension Dense: WeightedLayer {
    public var biasParameter: Parameter? { bias }
    public var outputChannels: Int { outFeatures }
}

extension BatchNorm: FoldableNormalization {
    /// w' = w * s and b' = (b - mean) * s + beta, with s = gamma / sqrt(variance + epsilon).
    public func fold(weights: inout [Float], bias: inout [Float]) {
        let scale = (0..<channels).map { gamma.value[$0] / (runningVariance[$0] + epsilon).squareRoot() }
        for i in weights.indices { weights[i] *= scale[i % channels] }
        bias = (0..<channels).map { (bias[$0] - runningMean[$0]) * scale[$0] + beta.value[$0] }
    }
}

/// A weighted layer found by the traversal, with its path.
public struct NamedWeightedLayer {
    public let path: LayerPath
    public let layer: any WeightedLayer
}

/// A layer holds parameters that no capability accounts for; a pass would silently skip it.
public struct UndeclaredLayerError: Error, CustomStringConvertible {
    public let path: LayerPath
    public let kind: String

    public var description: String {
        "layer \(path) (\(kind)) holds parameters but declares no capability (WeightedLayer or FoldableNormalization), "
            + "so compression, lowering and quantization would skip it"
    }
}

extension Model {
    /// Every layer, blocks and their insides included, parents first, in the network's one layer order.
    public func namedLayers() -> [NamedLayer] {
        var found: [NamedLayer] = []
        func visit(_ layer: Layer, _ path: LayerPath) {
            found.append(NamedLayer(path: path, layer: layer))
            for child in layer.namedChildren { visit(child.layer, path.appending(child.name)) }
        }
        for (index, layer) in network.layers.enumerated() { visit(layer, LayerPath(["\(index)"])) }
        return found
    }

    /// Every layer, as `namedLayers()` orders them.
    public var allLayers: [Layer] { namedLayers().map(\.layer) }

    /// The weighted layers in layer order: what a per-layer list has one entry for.
    /// Throws when a layer holds parameters of its own but declares no capability.
    public func weightedLayers() throws -> [NamedWeightedLayer] {
        var found: [NamedWeightedLayer] = []
        for named in namedLayers() {
            if let weighted = named.layer as? any WeightedLayer {
                found.append(NamedWeightedLayer(path: named.path, layer: weighted))
            } else if !(named.layer is any FoldableNormalization) {
                // Parameters a block holds itself, not through its children, need a capability too.
                let inChildren = Set(named.layer.namedChildren.flatMap(\.layer.parameters).map(ObjectIdentifier.init))
                if named.layer.parameters.contains(where: { !inChildren.contains(ObjectIdentifier($0)) }) {
                    throw UndeclaredLayerError(path: named.path, kind: named.layer.kind)
                }
            }
        }
        return found
    }
}

/// A layer made of lists of layers applied in order: a `Sequential` (one list) or a `Residual`
/// (its body and its shortcut). Passes that look at neighbours (batch norm after a convolution,
/// a ReLU after that) walk each branch as its own list.
public protocol LayerBlock: Layer {
    var branches: [[Layer]] { get }
    /// The same kind of block around new branches (one per `branches` entry), for passes that
    /// rebuild a network around the same layers.
    func rebuilt(branches: [[Layer]]) -> Layer
}

extension Sequential: LayerBlock {
    public var branches: [[Layer]] { [layers] }
    public func rebuilt(branches: [[Layer]]) -> Layer { Sequential(branches[0], kind: kind) }
}

extension Residual: LayerBlock {
    public var branches: [[Layer]] { [body.layers, shortcut.layers] }
    public func rebuilt(branches: [[Layer]]) -> Layer { Residual(body: branches[0], shortcut: branches[1]) }
}
