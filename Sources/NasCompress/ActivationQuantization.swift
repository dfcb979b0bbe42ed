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

    static func wrap(_ layers: [Layer]) -> [Layer] {
        var result: [Layer] = []
        for (index, layer) in layers.enumerated() {
            let next = index + 1 < layers.count ? layers[index + 1] : nil
            switch layer {
            case let residual as Residual:
                result.append(Residual(body: wrap(residual.body.layers), shortcut: wrap(residual.shortcut.layers)))
                result.append(FakeQuant())
            case let sequence as Sequential:
                result.append(Sequential(wrap(sequence.layers), kind: sequence.kind))
            case is Activation, is Pool, is GlobalAvgPool:
                result.append(layer)
                if !(next is Activation) { result.append(FakeQuant()) }
            case is BatchNorm, is Conv2D:
                result.append(layer)
                // A convolution or batch norm whose output is stored as is (no activation or batch norm after it).
                if next == nil { result.append(FakeQuant()) }
            default:
                result.append(layer)
            }
        }
        return result
    }
}
