import NasNN

/// Quantization-aware training of activations: a view of the model with a FakeQuant after
/// every tensor the integer path stores in int8 (after each activation, each batch norm that
/// feeds an add, each residual add, pooling and the logits). The view shares the model's
/// layers, so training it trains the model; the fake-quant layers are then simply dropped.
public enum ActivationQuantization {
    public static func trainingView(of model: Model) throws -> Model {
        try Model(name: model.name, inputShape: model.inputShape, classes: model.classes,
                  layers: wrap(model.network.layers) + [FakeQuant()])
    }

    static func wrap(_ layers: [Layer]) throws -> [Layer] {
        var result: [Layer] = []
        for (index, layer) in layers.enumerated() {
            let next = index + 1 < layers.count ? layers[index + 1] : nil
            guard let quantizable = layer as? any ActivationQuantizable else {
                throw ShapeError("activation quantization does not know layer \(layer.kind)")
            }
            if let block = layer as? any LayerBlock {
                result.append(block.rebuilt(branches: try block.branches.map(wrap)))
            } else {
                result.append(layer)
            }
            let stored: Bool = switch quantizable.int8Output {
            case .stored: true
            case .storedUnlessActivationFollows: !(next is Activation)
            case .storedWhenLast: next == nil
            case .fused: false
            }
            if stored { result.append(FakeQuant()) }
        }
        return result
    }
}

/// Whether the integer path stores a layer's output as an int8 tensor, which training then
/// simulates with a FakeQuant after it.
public enum Int8Output: Sendable {
    /// Always (a residual add).
    case stored
    /// Unless an activation follows and is fused into the same requantization (activations,
    /// pooling).
    case storedUnlessActivationFollows
    /// Only when nothing follows in its list (a convolution or batch norm whose output is
    /// stored as is; otherwise a batch norm or activation after it is fused).
    case storedWhenLast
    /// Never on its own: its output is fused into the next op, aliased (flatten, dropout), or
    /// covered by the FakeQuant of its block or of the logits.
    case fused
}

/// The activation-quantization capability: every layer says where its output is int8.
public protocol ActivationQuantizable: Layer {
    var int8Output: Int8Output { get }
}

extension Activation: ActivationQuantizable { public var int8Output: Int8Output { .storedUnlessActivationFollows } }
extension Pool: ActivationQuantizable { public var int8Output: Int8Output { .storedUnlessActivationFollows } }
extension GlobalAvgPool: ActivationQuantizable { public var int8Output: Int8Output { .storedUnlessActivationFollows } }
extension BatchNorm: ActivationQuantizable { public var int8Output: Int8Output { .storedWhenLast } }
extension Conv2D: ActivationQuantizable { public var int8Output: Int8Output { .storedWhenLast } }
extension Residual: ActivationQuantizable { public var int8Output: Int8Output { .stored } }
extension Sequential: ActivationQuantizable { public var int8Output: Int8Output { .fused } }
extension Dense: ActivationQuantizable { public var int8Output: Int8Output { .fused } }
extension SqueezeExcite: ActivationQuantizable { public var int8Output: Int8Output { .fused } }
extension Dropout: ActivationQuantizable { public var int8Output: Int8Output { .fused } }
extension Flatten: ActivationQuantizable { public var int8Output: Int8Output { .fused } }
extension FakeQuant: ActivationQuantizable { public var int8Output: Int8Output { .fused } }
