import NasLang
import NasNN
import NasSearch
import NasStudy

/// Model families as builtins (`cnn(width: 16, depth: 3)`) and `summary`.
enum ModelBuiltins {
    /// One builtin per family: its parameters with defaults (`ModelSpec.Family.defaults`) and
    /// its documentation.
    struct FamilySpec {
        let family: ModelSpec.Family
        let doc: String

        /// The settings with their defaults, as script values.
        var parameters: [(String, Value)] { family.defaults.map { ($0.0, Value($0.1)) } }
    }

    static var families: [FamilySpec] { [
        .init(family: .cnn,
              doc: "Plain CNN: depth stages of conv (+BN) + ReLU, width doubling per stage, max-pooling between, then global pooling and a classifier. 1-D on sequence data."),
        .init(family: .cnn1d,
              doc: "The plain CNN with 1-D convolutions, for sensor windows [time, channels]."),
        .init(family: .resnet,
              doc: "ResNet after MLPerf Tiny's ResNet-8 (the defaults): stacks of basic residual blocks, filters doubling per stack."),
        .init(family: .mobilenet,
              doc: "MobileNetV3-style inverted residual blocks with squeeze-excite and hard-swish; width scales channels, blocks takes the first rows of the MobileNetV3-Small table (1-7)."),
        .init(family: .dscnn,
              doc: "DS-CNN for keyword spotting after MLPerf Tiny: a 10x4 stride-2 convolution and depthwise-separable blocks."),
        .init(family: .mlp,
              doc: "Multilayer perceptron for feature vectors (CSV rows, 1-D .npy samples; other inputs are flattened): layers stages of dense units (+BN) + ReLU (+dropout), then a classifier, as in MLPerf Tiny's anomaly-detection model."),
    ] }

    static func register(into r: inout BuiltinRegistry) {
        for spec in families {
            r.register(Builtin(spec.family.rawValue, spec.parameters.map {
                Builtin.Parameter($0.0, KnobDomain.family(spec.family, $0.0)?.type ?? .any, default: $0.1)
            }, doc: spec.doc) { call in
                let settings: [(String, ParameterValue)] = spec.parameters.map { name, _ in
                    // Whole-number settings are stored as exact integers, so `cnn(width: 16.0)`
                    // and `cnn(width: 16)` are the same spec (the type admitted only whole numbers).
                    guard KnobDomain.family(spec.family, name)?.isWhole == true else { return (name, NetworkSearch.parameter(call[name])) }
                    return (name, .number(Double(KnobDomain.int(call[name], default: 0))))
                }
                return .native(ModelSpec(family: spec.family, settings: settings))
            })
        }
        r.register(Builtin("summary", [.init("model", .anyModel), .init("data", .dataset, default: Value.none)],
                           doc: "Prints the layer table (output shape, parameters, MACs) of a model, for the data's input shape if given.") { call in
            let text: String
            switch call["model"] {
            case .native(let n as TrainedModel):
                text = n.render()
            case .native(let spec as ModelSpec):
                if call.optional("data") != nil {
                    let data = try call.dataset("data")
                    let model = try build(spec, input: data.sampleShape, classes: data.classCount, seed: 1, call: call)
                    text = LayerTable.render(model, title: "\(spec.summary) on \(data.name) (\(describe(shape: data.sampleShape)), \(data.classCount) classes)")
                } else {
                    let input = spec.family.defaultInput
                    let model = try build(spec, input: input.shape, classes: input.classes, seed: 1, call: call)
                    text = LayerTable.render(model, title: spec.defaultInputTitle)
                }
            default:
                throw call.error("summary: 'model' must be a model, not \(call["model"].typeName)", at: "model",
                                 hint: "make one with cnn(), resnet(), mobilenet(), dscnn(), cnn1d() or mlp()")
            }
            call.context.write(text)
            return .none
        })
    }

    /// Builds a spec, turning shape errors into diagnostics at the call.
    static func build(_ spec: ModelSpec, input: [Int], classes: Int, seed: UInt64, call: BuiltinCall) throws -> Model {
        do {
            return try spec.build(input: input, classes: classes, seed: seed)
        } catch let error as ShapeError {
            throw call.error("\(call.name): cannot build \(spec.summary) for input \(describe(shape: input)): \(error.description)")
        }
    }
}

extension BuiltinCall {
    func modelSpec(_ parameter: String) throws -> ModelSpec {
        guard case .native(let n as ModelSpec) = self[parameter] else {
            throw error("\(name): '\(parameter)' must be a model, not \(self[parameter].typeName)", at: parameter,
                        hint: "make one with cnn(), resnet(), mobilenet(), dscnn(), cnn1d() or mlp()")
        }
        return n
    }
}
