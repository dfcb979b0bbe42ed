import NasCore
import NasData
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
            let settings = spec.parameters.map { name, value in setting(name, of: spec.family, default: value) }
            r.register(Builtin(spec.family.rawValue, declaring: settings, doc: spec.doc) { call in
                .native(ModelSpec(family: spec.family, settings: try settings.map { ($0.name, try call[$0]) }))
            })
        }
        r.register(Builtin("summary", declaring: [summarized, summaryData],
                           doc: "Prints the layer table (output shape, parameters, MACs) of a model, for the data's input shape if given.") { call in
            let text: String
            let given = try call[summarized]
            switch given {
            case .native(let n as TrainedModel):
                text = n.render()
            case .native(let spec as ModelSpec):
                if let data = try call[summaryData] {
                    let model = try build(spec, input: data.sampleShape, classes: data.classCount, seed: 1, call: call)
                    text = LayerTable.render(model, title: "\(spec.summary) on \(data.name) (\(describe(shape: data.sampleShape)), \(data.classCount) classes)")
                } else {
                    let input = spec.family.defaultInput
                    let model = try build(spec, input: input.shape, classes: input.classes, seed: 1, call: call)
                    text = LayerTable.render(model, title: spec.defaultInputTitle)
                }
            default:
                throw call.error("summary: 'model' must be a model, not \(given.typeName)", at: "model",
                                 hint: "make one with cnn(), resnet(), mobilenet(), dscnn(), cnn1d() or mlp()")
            }
            call.context.write(text)
            return .none
        })
    }

    /// A family's setting as a typed key: its type from `KnobDomain` (`.any` for a setting
    /// without one), read as the value the spec stores. Whole-number settings are stored as
    /// exact integers, so `cnn(width: 16.0)` and `cnn(width: 16)` are the same spec (the type
    /// admitted only whole numbers).
    static func setting(_ name: String, of family: ModelSpec.Family, default value: Value) -> TypedParameter<ParameterValue> {
        let domain = KnobDomain.family(family, name)
        let whole = domain?.isWhole == true
        return TypedParameter(name, domain?.type ?? .any, default: value) { call, name in
            whole ? .number(Double(ParameterValue(call[name]).int(default: 0))) : ParameterValue(call[name])
        }
    }
    /// `summary(model, data)`: a spec or a trained model, and the data whose input shape it is drawn for.
    static let summarized = TypedParameter<Value>(value: "model", .anyModel)
    static let summaryData = TypedParameter<Dataset?>("data", .dataset, default: Value.none) { call, name in
        if case .none = call[name] { return nil }
        return try call.dataset(name)
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
