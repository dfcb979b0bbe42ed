import Foundation
import NasFiles
import NasCost
import NasNN
import NasQuant

/// Writes an `IntegerNetwork` as a TensorFlow Lite flatbuffer (schema v3, "TFL3"): int8
/// activations with the network's calibrated scales and zero points, int8 weights quantized per
/// output channel, int32 biases, and only ops TFLite Micro implements (CONV_2D,
/// DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, MUL, MEAN, AVERAGE_POOL_2D, MAX_POOL_2D, PAD,
/// QUANTIZE, HARD_SWISH, LOGISTIC).
///
/// The runtime's kernels round differently from nasbook's (e.g. TFLite requantizes in two
/// rounding steps, and hard-swish and logistic are fixed-point approximations, not tables), so a
/// TFLite interpreter agrees with the integer engine to within a few quantization steps, not bit
/// for bit; the C export is the bit-exact one.
public struct TFLiteWriter {
    public let network: IntegerNetwork

    public init(_ network: IntegerNetwork) { self.network = network }

    /// Writes the flatbuffer to the file `path` (its folder is created if missing), atomically:
    /// a failed write keeps the previous file.
    public func write(to path: String) throws -> WrittenFile {
        guard !path.hasSuffix("/"), !path.isEmpty else { throw ExportError("a .tflite export needs a file name, not the folder \"\(path)\"") }
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let data = Data(try flatbuffer())
        try AtomicFile.write(data, to: url.path)
        return WrittenFile(path: path, bytes: data.count)
    }

    public func flatbuffer() throws -> [UInt8] {
        let (b, input, output) = try build()
        return b.model(inputs: [input], outputs: [output])
    }

    /// The activation arena TensorFlow Lite Micro plans for this file: the head of its arena
    /// (what its allocation report calls "head") with its reference kernels, of which only MEAN
    /// requests scratch here (CMSIS-NN's convolutions would add their im2col buffers). It differs from the C export's arena (the cost model's RAM) where
    /// the file has tensors the C export does not (an explicit PAD before a strided convolution
    /// whose padding TFLite's SAME would place differently, a QUANTIZE after a pool or logistic
    /// that changes scale, the ADD+MUL of a hard sigmoid) and by the C kernels' im2col scratch.
    /// TFLM adds its persistent records (tensor and node structs, kernels' per-channel data) in
    /// the arena's tail, which depends on the runtime build and pointer width; see bench/tflm-arena.
    public func activationArena() throws -> MemoryPlan {
        let (b, input, output) = try build()
        return b.activationPlan(inputs: [input], outputs: [output])
    }

    func build() throws -> (TFLiteGraphBuilder, input: Int32, output: Int32) {
        var b = TFLiteGraphBuilder()
        let graph = network.folded.graph
        let tensors = graph.tensors.indices.map { t in
            b.tensor("t\(t)", shape: Self.shape(graph.tensors[t].shape), type: .int8, quantization: activation(network.params[t]))
        }
        for (index, op) in graph.ops.enumerated() { try lower(index, op, tensors: tensors, into: &b) }
        return (b, tensors[graph.input], tensors[graph.output])
    }

    /// Batch first; sequences [T, C] as images of height 1; vectors as [1, C].
    static func shape(_ shape: [Int]) -> [Int] {
        switch shape.count {
        case 3: return [1] + shape
        case 2: return [1, 1] + shape
        default: return [1] + shape
        }
    }

    func activation(_ p: QuantParams) -> FlatValue {
        TFLiteGraphBuilder.quantization(scales: [p.scale], zeroPoints: [Int64(p.zeroPoint)])
    }

    static func fused(_ a: DeploymentGraph.FusedActivation) -> Int8 {
        switch a {
        case .none: 0
        case .relu: 1
        case .relu6: 3
        }
    }

    func lower(_ index: Int, _ op: DeploymentGraph.Op, tensors: [Int32], into b: inout TFLiteGraphBuilder) throws {
        let graph = network.folded.graph
        let input = tensors[op.inputs[0]], output = tensors[op.output]
        let inParams = network.params[op.inputs[0]], outParams = network.params[op.output]
        let name = "op\(index)"
        switch op.operation {
        case .convolution(let window, let depthwise):
            let g = ConvolutionGeometry(window, input: graph.tensors[op.inputs[0]].shape, output: graph.tensors[op.output].shape)
            guard depthwise || g.groups == 1 else {
                throw ExportError("a grouped convolution (\(g.groups) groups) has no TFLite Micro op")
            }
            let scales = network.weightScales[index]!, w = network.weights[index]!
            let weights = b.tensor("\(name)_weights", shape: depthwise ? [1, g.kh, g.kw, g.oc] : [g.oc, g.kh, g.kw, g.c], type: .int8,
                                   quantization: TFLiteGraphBuilder.quantization(scales: scales, zeroPoints: scales.map { _ in 0 },
                                                                                 dimension: depthwise ? 3 : 0),
                                   data: (depthwise ? w : g.ohwi(w)).map { UInt8(bitPattern: $0) })
            let bias = self.bias(name, index, inScale: inParams.scale, into: &b)
            let (padded, padding) = try pad(name, input, g, params: inParams, into: &b)
            let strideH = g.h == 1 && g.oh == 1 ? 1 : g.stride
            if depthwise {
                b.op(.depthwiseConv2D, [padded, weights, bias], [output], options: (2, [.byte(padding), .int(Int32(g.stride)), .int(Int32(strideH)),
                     .int(Int32(g.oc / g.c)), .byte(Self.fused(op.activation)), .int(1), .int(1)]))
            } else {
                b.op(.conv2D, [padded, weights, bias], [output], options: (1, [.byte(padding), .int(Int32(g.stride)), .int(Int32(strideH)),
                     .byte(Self.fused(op.activation)), .int(1), .int(1)]))
            }
        case .fullyConnected:
            let w = network.weights[index]!, scales = network.weightScales[index]!
            let channels = op.outputChannels, features = w.count / channels
            let rows = (0..<channels).flatMap { o in (0..<features).map { w[$0 * channels + o] } }
            let weights = b.tensor("\(name)_weights", shape: [channels, features], type: .int8,
                                   quantization: TFLiteGraphBuilder.quantization(scales: scales, zeroPoints: scales.map { _ in 0 }),
                                   data: rows.map { UInt8(bitPattern: $0) })
            let bias = self.bias(name, index, inScale: inParams.scale, into: &b)
            b.op(.fullyConnected, [input, weights, bias], [output], options: (8, [.byte(Self.fused(op.activation)), .byte(0), .bool(false)]))
        case .pool(let pool, _):
            let (sizeH, strideH) = pool.rows
            // TFLite pools keep the input's scale; a different output scale is a QUANTIZE after.
            let same = inParams == outParams
            let pooled = same ? output : b.tensor("\(name)_pooled", shape: Self.shape(graph.tensors[op.output].shape), type: .int8,
                                                  quantization: activation(inParams))
            b.op(op.kind == .maxPool ? .maxPool2D : .averagePool2D, [input], [pooled],
                 options: (5, [.byte(1), .int(Int32(pool.stride)), .int(Int32(strideH)), .int(Int32(pool.size)), .int(Int32(sizeH)),
                               .byte(Self.fused(op.activation))]))
            if !same { b.op(.quantize, [pooled], [output]) }
        case .mean:
            try requireNoActivation(op)
            let axes = b.tensor("\(name)_axes", shape: [2], type: .int32, data: [Int32(1), 2].flatMap { littleEndian($0) })
            // TFLM's int8 MEAN requests three scratch buffers in its arena: an int32 sum per output
            // element, an int index per input dimension (4) and one per reduced axis (2).
            b.op(.mean, [input, axes], [output], options: (27, [.bool(false)]), scratch: [graph.tensors[op.output].bytes * 4, 4 * 4, 2 * 4])
        case .add:
            b.op(.add, [input, tensors[op.inputs[1]]], [output], options: (11, [.byte(Self.fused(op.activation))]))
        case .mul:
            b.op(.mul, [input, tensors[op.inputs[1]]], [output], options: (21, [.byte(Self.fused(op.activation))]))
        case .hardSwish:
            try requireNoActivation(op)
            b.op(.hardSwish, [input], [output])
        case .logistic:
            try requireNoActivation(op)
            // TFLite's int8 logistic outputs at scale 1/256, zero point -128.
            let sigmoid = b.tensor("\(name)_logistic", shape: Self.shape(graph.tensors[op.output].shape), type: .int8,
                                   quantization: TFLiteGraphBuilder.quantization(scales: [1.0 / 256], zeroPoints: [-128]))
            b.op(.logistic, [input], [sigmoid])
            b.op(.quantize, [sigmoid], [output])
        case .hardSigmoid:
            try requireNoActivation(op)
            // relu6(x + 3) / 6: an ADD with a fused ReLU6, then a MUL by a constant.
            let three = b.constant("\(name)_three", 3), sixth = b.constant("\(name)_sixth", 1.0 / 6)
            let shifted = b.tensor("\(name)_relu6", shape: Self.shape(graph.tensors[op.output].shape), type: .int8,
                                   quantization: TFLiteGraphBuilder.quantization(scales: [6.0 / 255], zeroPoints: [-128]))
            b.op(.add, [input, three], [shifted], options: (11, [.byte(3)]))
            b.op(.mul, [shifted, sixth], [output], options: (21, [.byte(0)]))
        case .batchNorm:
            throw ExportError("a batch norm that was not folded cannot be exported")
        }
    }

    func requireNoActivation(_ op: DeploymentGraph.Op) throws {
        guard op.activation == .none else { throw ExportError("a \(op.kind.rawValue) with a fused activation has no TFLite equivalent") }
    }

    func bias(_ name: String, _ index: Int, inScale: Float, into b: inout TFLiteGraphBuilder) -> Int32 {
        let biases = network.biases[index]!, scales = network.weightScales[index]!
        return b.tensor("\(name)_bias", shape: [biases.count], type: .int32,
                        quantization: TFLiteGraphBuilder.quantization(scales: scales.map { inScale * $0 }, zeroPoints: scales.map { _ in 0 }),
                        data: biases.flatMap { littleEndian($0) })
    }

    /// TFLite pads SAME with the extra row at the end, nasbook symmetrically; where they differ
    /// an explicit PAD (with the input's zero point, a real 0) precedes a VALID convolution.
    func pad(_ name: String, _ input: Int32, _ g: ConvolutionGeometry, params: QuantParams,
             into b: inout TFLiteGraphBuilder) throws -> (Int32, Int8) {
        func same(_ size: Int, _ k: Int, _ pad: Int, _ out: Int, _ stride: Int) -> Bool {
            let expected = (size + stride - 1) / stride
            return out == expected && pad == max((expected - 1) * stride + k - size, 0) / 2
        }
        let strideH = g.h == 1 && g.oh == 1 ? 1 : g.stride
        if g.ph == 0 && g.pw == 0 { return (input, 1) }
        if same(g.h, g.kh, g.ph, g.oh, strideH) && same(g.w, g.kw, g.pw, g.ow, g.stride) { return (input, 0) }
        let after = { (size: Int, k: Int, pad: Int, out: Int, stride: Int) in max(0, (out - 1) * stride + k - size - pad) }
        let bottom = after(g.h, g.kh, g.ph, g.oh, strideH), right = after(g.w, g.kw, g.pw, g.ow, g.stride)
        let paddings: [Int32] = [0, 0, Int32(g.ph), Int32(bottom), Int32(g.pw), Int32(right), 0, 0]
        let amounts = b.tensor("\(name)_paddings", shape: [4, 2], type: .int32, data: paddings.flatMap { littleEndian($0) })
        let padded = b.tensor("\(name)_padded", shape: [1, g.h + g.ph + bottom, g.w + g.pw + right, g.c], type: .int8,
                              quantization: activation(params))
        b.op(.pad, [input, amounts], [padded], options: (22, []))
        return (padded, 1)
    }
}

/// Tensors, buffers, operator codes and operators of one subgraph, then the model around them.
struct TFLiteGraphBuilder {
    enum TensorType: Int8 { case int32 = 2, int8 = 9 }

    enum Builtin: Int32 {
        case add = 0, averagePool2D = 1, conv2D = 3, depthwiseConv2D = 4, fullyConnected = 9, logistic = 14
        case maxPool2D = 17, mul = 18, pad = 34, mean = 40, quantize = 114, hardSwish = 117

        /// The op version whose kernels take int8 (per-channel where weighted).
        var version: Int32 {
            switch self {
            case .conv2D, .depthwiseConv2D: 3
            case .fullyConnected: 4
            case .hardSwish: 1
            default: 2
            }
        }
    }

    private var tensors: [FlatValue] = []
    private var buffers: [FlatValue] = [.table([])]  // buffer 0: the empty sentinel
    private var codes: [Builtin] = []
    private var operators: [FlatValue] = []
    /// Bytes of each tensor without constant data (activations), nil for constants; and each
    /// operator's input and output tensors: what `activationPlan` lays out.
    private var activationBytes: [Int?] = []
    private var operatorTensors: [(inputs: [Int32], outputs: [Int32], scratch: [Int])] = []

    static func quantization(scales: [Float], zeroPoints: [Int64], dimension: Int32 = 0) -> FlatValue {
        .table([nil, nil, .offset(.floats(scales)), .offset(.longs(zeroPoints)), nil, nil, .int(dimension)])
    }

    /// Adds a tensor (constant when `data` is given); returns its index.
    mutating func tensor(_ name: String, shape: [Int], type: TensorType, quantization: FlatValue? = nil, data: [UInt8]? = nil) -> Int32 {
        var buffer: UInt32 = 0
        if let data {
            buffers.append(.table([.offset(.bytes(data, alignment: 16))]))
            buffer = UInt32(buffers.count - 1)
        }
        tensors.append(.table([.offset(.ints(shape.map(Int32.init))), .byte(type.rawValue), .uint(buffer), .offset(.string(name)),
                               quantization.map { .offset($0) }]))
        activationBytes.append(data == nil ? shape.reduce(1, *) * (type == .int32 ? 4 : 1) : nil)
        return Int32(tensors.count - 1)
    }

    /// A scalar int8 constant holding `value` exactly at the top of its range.
    mutating func constant(_ name: String, _ value: Float) -> Int32 {
        tensor(name, shape: [1], type: .int8, quantization: Self.quantization(scales: [value / 127], zeroPoints: [0]), data: [127])
    }

    /// `options`: the BuiltinOptions union type and the option table's fields. `scratch`: the
    /// buffers (bytes, in request order) TFLM's kernel for the op requests in the arena.
    mutating func op(_ code: Builtin, _ inputs: [Int32], _ outputs: [Int32], options: (UInt8, [FlatField?])? = nil, scratch: [Int] = []) {
        if !codes.contains(code) { codes.append(code) }
        let index = UInt32(codes.firstIndex(of: code)!)
        var fields: [FlatField?] = [.uint(index), .offset(.ints(inputs)), .offset(.ints(outputs))]
        if let (type, table) = options { fields += [.scalar([type]), .offset(.table(table))] }
        operators.append(.table(fields))
        operatorTensors.append((inputs, outputs, scratch))
    }

    /// Every activation tensor alive from the operator that writes it (the graph's inputs from
    /// the first) to the last that reads it (its outputs to the end), placed as TFLM's
    /// GreedyMemoryPlanner places them: the planner the C export's arena uses (`MemoryPlan`), with
    /// TFLM's order among buffers of one size (the last tensor first).
    func activationPlan(inputs: [Int32], outputs: [Int32]) -> MemoryPlan {
        let last = max(0, operatorTensors.count - 1)
        var first = [Int?](repeating: nil, count: activationBytes.count), final = first
        for t in inputs { first[Int(t)] = 0 }
        for (i, op) in operatorTensors.enumerated() {
            for t in op.outputs where first[Int(t)] == nil { first[Int(t)] = i }
            for t in op.inputs + op.outputs { final[Int(t)] = max(final[Int(t)] ?? i, i) }
        }
        for t in outputs { final[Int(t)] = last }
        let tensors = activationBytes.indices.compactMap { t -> MemoryPlan.Buffer? in
            guard let bytes = activationBytes[t], let from = first[t], let to = final[t] else { return nil }
            return MemoryPlan.Buffer(size: bytes, firstUse: from, lastUse: to)
        }
        // Kernel scratch after the tensors, as TFLM lists its buffers, alive during its op.
        let scratch = operatorTensors.indices.flatMap { i in
            operatorTensors[i].scratch.map { MemoryPlan.Buffer(size: $0, firstUse: i, lastUse: i) }
        }
        return MemoryPlan(tensors + scratch, ties: .lastGiven)
    }

    func model(inputs: [Int32], outputs: [Int32]) -> [UInt8] {
        let opcodes: [FlatValue] = codes.map { .table([.byte(Int8(min($0.rawValue, 127))), nil, .int($0.version), .int($0.rawValue)]) }
        let subgraph = FlatValue.table([.offset(.vector(tensors)), .offset(.ints(inputs)), .offset(.ints(outputs)),
                                        .offset(.vector(operators)), .offset(.string("main"))])
        let model = FlatValue.table([.uint(3), .offset(.vector(opcodes)), .offset(.vector([subgraph])),
                                     .offset(.string("nasbook int8 export")), .offset(.vector(buffers))])
        return FlatBufferWriter.serialize(model, identifier: "TFL3")
    }
}
