import NasLang
import NasNN

/// Model families as builtins (`cnn(width: 16, depth: 3)`) and `summary`.
enum ModelBuiltins {
    /// One builtin per family: its parameters with defaults and the checks on them.
    struct FamilySpec {
        let family: ModelSpec.Family
        let parameters: [(String, Value)]
        let doc: String
    }

    static var families: [FamilySpec] { [
        .init(family: .cnn, parameters: [("width", .number(16)), ("depth", .number(3)), ("kernel", .number(3)),
                                         ("batchnorm", .bool(true)), ("dropout", .number(0))],
              doc: "Plain CNN: depth stages of conv (+BN) + ReLU, width doubling per stage, max-pooling between, then global pooling and a classifier. 1-D on sequence data."),
        .init(family: .cnn1d, parameters: [("width", .number(16)), ("depth", .number(3)), ("kernel", .number(5)),
                                           ("batchnorm", .bool(true)), ("dropout", .number(0))],
              doc: "The plain CNN with 1-D convolutions, for sensor windows [time, channels]."),
        .init(family: .resnet, parameters: [("width", .number(16)), ("stacks", .number(3)), ("blocks", .number(1))],
              doc: "ResNet after MLPerf Tiny's ResNet-8 (the defaults): stacks of basic residual blocks, filters doubling per stack."),
        .init(family: .mobilenet, parameters: [("width", .number(1)), ("blocks", .number(5))],
              doc: "MobileNetV3-style inverted residual blocks with squeeze-excite and hard-swish; width scales channels, blocks takes the first rows of the MobileNetV3-Small table (1-7)."),
        .init(family: .dscnn, parameters: [("filters", .number(64)), ("blocks", .number(4))],
              doc: "DS-CNN for keyword spotting after MLPerf Tiny: a 10x4 stride-2 convolution and depthwise-separable blocks."),
    ] }

    static func register(into r: inout BuiltinRegistry) {
        for spec in families {
            r.register(Builtin(spec.family.rawValue, spec.parameters.map { Builtin.Parameter($0.0, default: $0.1) },
                               doc: spec.doc) { call in
                var settings: [(String, Value)] = []
                for (name, defaultValue) in spec.parameters {
                    switch defaultValue {
                    case .bool:
                        settings.append((name, .bool(try call.bool(name))))
                    case .number(let q) where q.value.rounded() != q.value || name == "dropout" || (spec.family == .mobilenet && name == "width"):
                        let v = try call.number(name)
                        if name == "dropout", !(0..<1).contains(v) {
                            throw call.error("\(call.name): dropout must be in [0, 1)", at: name)
                        }
                        if name == "width", v <= 0 { throw call.error("\(call.name): width must be positive", at: name) }
                        settings.append((name, .number(v)))
                    default:
                        let v = try call.positiveInteger(name, limit: name == "depth" || name == "stacks" ? 8 : 1024)
                        if name == "kernel", v % 2 == 0 {
                            throw call.error("\(call.name): kernel must be odd, not \(v)", at: name, hint: "3, 5 or 7")
                        }
                        if spec.family == .mobilenet, name == "blocks", v > Architectures.mobileNetV3Blocks.count {
                            throw call.error("mobilenet: blocks must be 1...\(Architectures.mobileNetV3Blocks.count)", at: name)
                        }
                        settings.append((name, .number(Double(v))))
                    }
                }
                return .native(ModelSpec(family: spec.family, settings: settings))
            })
        }
        r.register(Builtin("summary", [.init("model"), .init("data", default: Value.none)],
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
                                 hint: "make one with cnn(), resnet(), mobilenet(), dscnn() or cnn1d()")
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
                        hint: "make one with cnn(), resnet(), mobilenet(), dscnn() or cnn1d()")
        }
        return n
    }
}
