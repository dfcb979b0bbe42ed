import Foundation
import NasCore
import NasFiles
import NasCost
import NasNN
import NasQuant

/// Writes an `IntegerNetwork` as portable C99: `model.h`/`model.c` (the weights as const arrays,
/// a static arena with every tensor and scratch buffer at the `ArenaPlan`'s offsets, and
/// `model_invoke`) and the kernels (`nas_kernels.h`/`.c`). No heap, no floats at run time.
public struct CModelWriter {
    public let network: IntegerNetwork
    public let arena: ArenaPlan
    /// Per-channel input normalization the model was trained with, written to model.h so that
    /// firmware prepares inputs as training did; nil when the model expects raw values.
    public let normalization: (mean: [Float], std: [Float])?
    /// How each weighted op's weights are stored, by op index: the cost model's choice for its
    /// int8 weights' non-zero count (`CostReport` with `network.nonZeroWeights` picks the same).
    /// Decided once here, since every weighted op's writing asks for it.
    public let weightStorage: [Int: WeightStorage]

    public init(_ network: IntegerNetwork, normalization: (mean: [Float], std: [Float])? = nil) {
        self.network = network
        arena = ArenaPlan(network.folded.graph)
        self.normalization = normalization
        var storage: [Int: WeightStorage] = [:]
        for (index, weights) in network.weights.enumerated() {
            guard let weights else { continue }
            let nonZero = weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            storage[index] = WeightStorage(weights: weights.count, nonZero: nonZero, bits: Self.weightBits(of: network, op: index))
        }
        weightStorage = storage
    }

    /// The four files, by name. The sparse kernels are written only when a layer uses them.
    public func sources() throws -> [(name: String, text: String)] {
        let kernels = Self.kernelFiles(sparse: !sparseLayers.isEmpty)
        return [("model.h", header()), ("model.c", try model()), ("nas_kernels.h", kernels.header), ("nas_kernels.c", kernels.source)]
    }

    /// `nas_kernels.h` and `nas_kernels.c`: the dense kernels, and with `sparse` the bitmap
    /// kernels too (an export carries them only when one of its layers is sparse).
    public static func kernelFiles(sparse: Bool) -> (header: String, source: String) {
        var header = CKernels.header, source = CKernels.source
        if sparse {
            // Declarations go before the header's closing include guard.
            let guardEnd = header.range(of: "#endif", options: .backwards)!.lowerBound
            header.insert(contentsOf: SparseKernels.declarations.dropFirst(), at: guardEnd)
            source += SparseKernels.source
        }
        return (header, source)
    }

    /// The ops stored as a bitmap of non-zero weights, in graph order.
    public var sparseLayers: [(op: Int, storage: WeightStorage)] {
        weightStorage.filter(\.value.isSparse).map { ($0.key, $0.value) }.sorted { $0.op < $1.op }
    }

    /// Writes the sources into `directory` (created if missing) as one atomic set: a failed
    /// write (a full disk) keeps every file of the previous export.
    public func write(to directory: String) throws -> [WrittenFile] {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = try sources().map { name, text in (path: folder.appendingPathComponent(name).path, data: Data(text.utf8)) }
        try AtomicFile.write(files)
        return files.map { WrittenFile(path: $0.path, bytes: $0.data.count) }
    }

    var graph: DeploymentGraph { network.folded.graph }

    func header() -> String {
        let input = network.params[graph.input], output = network.params[graph.output]
        let inShape = graph.tensors[graph.input].shape, outShape = graph.tensors[graph.output].shape
        let normalize = normalization == nil ? "" : "\n   x = (raw - model_input_mean[c]) / model_input_std[c] for channel c."
        var text = """
        /* model.h: a nasbook network, int8 integer-only inference. Generated; do not edit.
           Input: int8 q = round(x / MODEL_INPUT_SCALE) + MODEL_INPUT_ZERO_POINT, clamped to -128..127\(normalize.isEmpty ? "." : ", where")\(normalize)
           Output: scores s = MODEL_OUTPUT_SCALE * (q - MODEL_OUTPUT_ZERO_POINT); the largest q is the class. */
        #ifndef MODEL_H
        #define MODEL_H

        #include <stdint.h>

        #define MODEL_INPUT_SIZE \(graph.tensors[graph.input].bytes) /* int8, \(inShape.map(String.init).joined(separator: "x")), channels last */
        #define MODEL_OUTPUT_SIZE \(graph.tensors[graph.output].bytes) /* int8, \(outShape.map(String.init).joined(separator: "x")) */
        #define MODEL_ARENA_SIZE \(arena.arenaSize) /* bytes: activations and kernel scratch, statically planned */
        #define MODEL_INPUT_SCALE \(cFloat(input.scale))
        #define MODEL_INPUT_ZERO_POINT (\(input.zeroPoint))
        #define MODEL_OUTPUT_SCALE \(cFloat(output.scale))
        #define MODEL_OUTPUT_ZERO_POINT (\(output.zeroPoint))
        \(stackLine())

        """
        if let normalization {
            text += "\nextern const float model_input_mean[\(normalization.mean.count)];\n"
            text += "extern const float model_input_std[\(normalization.std.count)];\n"
        }
        text += """

        /* Runs the network on MODEL_INPUT_SIZE int8 values; writes MODEL_OUTPUT_SIZE int8 scores.
           Uses a static arena of MODEL_ARENA_SIZE bytes: not reentrant. */
        void model_invoke(const int8_t *input, int8_t *output);

        #endif

        """
        return text
    }

    /// Stack model_invoke needs per Cortex-M core: its own frame (bounded) plus the deepest
    /// kernel this model calls, from `CKernels.stackBytes`.
    public var stackBytes: [(core: String, bytes: Int)] {
        let sparse = Set(sparseLayers.map(\.op))
        let used = Set(graph.ops.indices.map { CKernels.function(graph.ops[$0].kind, sparse: sparse.contains($0)) })
        return CKernels.stackBytes.keys.sorted().map { core in
            (core, CKernels.invokeFrameBytes + used.map { CKernels.stackBytes[core]![$0]! }.max()!)
        }
    }

    func stackLine() -> String {
        let stacks = stackBytes
        return "#define MODEL_STACK_SIZE \(stacks.map(\.bytes).max()!) /* bytes of stack model_invoke needs at most: "
            + stacks.map { "\($0.core) \($0.bytes)" }.joined(separator: ", ")
            + " (gcc's call graph, -fstack-usage; arm-none-eabi-gcc 12.2 -O2) */"
    }

    func model() throws -> String {
        var data = """
        /* model.c: weights, tensor arena and the op sequence. Generated by nasbook; do not edit. */
        #include <string.h>

        #include "model.h"
        #include "nas_kernels.h"

        /* Firmware may define NAS_OP_HOOK(op) to observe the end of each op (a profiler reading a
           cycle counter; nasbook's emulator harness counts instructions with it). Empty by default. */
        #ifndef NAS_OP_HOOK
        #define NAS_OP_HOOK(op)
        #endif


        """
        if let normalization {
            data += array("const float", "model_input_mean", normalization.mean.map(cFloat))
            data += array("const float", "model_input_std", normalization.std.map(cFloat)) + "\n"
        }
        data += """
        /* The tensor arena: \(arena.arenaSize) bytes holding every activation and scratch buffer at the
           offset the memory planner gave it (buffers alive at the same time never overlap). */
        static union {
            int64_t align;
            int16_t halves[\(max(1, arena.arenaSize / 2))];
        } arena;


        """
        var calls: [String] = []
        for (index, op) in graph.ops.enumerated() {
            let (decls, call) = try emit(index, op)
            data += decls
            calls.append("    /* op \(index): \(op.kind.rawValue) \(describe(op)) */\n    \(call);\n    NAS_OP_HOOK(\(index));\n")
        }
        data += """
        void model_invoke(const int8_t *input, int8_t *output) {
            int8_t *a = (int8_t *)arena.halves;
            int16_t *s = arena.halves;
            (void)s;
            memcpy(a + \(arena.offset(ofTensor: graph.input)), input, MODEL_INPUT_SIZE);

        """
        data += calls.joined(separator: "")
        data += "    memcpy(output, a + \(arena.offset(ofTensor: graph.output)), MODEL_OUTPUT_SIZE);\n}\n"
        return data
    }

    func describe(_ op: DeploymentGraph.Op) -> String {
        let shapes = (op.inputs + [op.output]).map { graph.tensors[$0].shape.map(String.init).joined(separator: "x") }
        let activation = op.activation == .none ? "" : op.activation == .relu ? ", relu" : ", relu6"
        return shapes.dropLast().joined(separator: ", ") + " -> " + shapes.last! + activation
    }

    /// Declarations and the kernel call of one op.
    func emit(_ index: Int, _ op: DeploymentGraph.Op) throws -> (String, String) {
        let name = "op\(index)"
        let ptr = { (t: Int) in "a + \(arena.offset(ofTensor: t))" }
        let input = network.params[op.inputs[0]], output = network.params[op.output]
        let (lo, hi) = network.bounds(op)
        let quant = "{\(input.zeroPoint), \(output.zeroPoint), \(lo), \(hi)}"
        switch op.operation {
        case .convolution(let window, _):
            let g = ConvolutionGeometry(window, input: graph.tensors[op.inputs[0]].shape, output: graph.tensors[op.output].shape)
            let w = network.weights[index]!, bits = weightBits(index)
            let sparse = weightStorage[index]!.isSparse
            // Sparse depthwise weights are channel-major (HWO -> OHW): one channel's taps in a run.
            let ordered = op.kind == .conv ? g.ohwi(w) : sparse ? (0..<w.count).map { w[($0 % (g.kh * g.kw)) * g.oc + $0 / (g.kh * g.kw)] } : w
            var (text, weightArgs) = try weightArrays(name, ordered, bits: bits, sparse: sparse)
            text += try weightedConstants(name, index)
            text += "static const nas_conv_params \(name) = {\(g.h), \(g.w), \(g.c), \(g.oh), \(g.ow), \(g.oc), \(g.kh), \(g.kw), \(g.stride), \(g.ph), \(g.pw), \(g.groups), \(bits), \(quant)};\n\n"
            let scratch = arena.scratch(ofOp: index).map { "s + \($0.offset / 2)" } ?? "0"
            let kernel = CKernels.function(op.kind, sparse: sparse)
            return (text, "\(kernel)(\(ptr(op.inputs[0])), \(ptr(op.output)), \(scratch), &\(name), \(weightArgs), \(name)_b, \(name)_m, \(name)_r)")
        case .fullyConnected:
            let w = network.weights[index]!, channels = op.outputChannels, features = w.count / channels, bits = weightBits(index)
            // IO -> OI: each output's weights contiguous.
            let rows = (0..<channels).flatMap { o in (0..<features).map { w[$0 * channels + o] } }
            let sparse = weightStorage[index]!.isSparse
            var (text, weightArgs) = try weightArrays(name, rows, bits: bits, sparse: sparse)
            text += try weightedConstants(name, index)
            text += "static const nas_quant \(name) = \(quant);\n\n"
            let kernel = CKernels.function(op.kind, sparse: sparse)
            return (text, "\(kernel)(\(ptr(op.inputs[0])), \(ptr(op.output)), \(features), \(channels), &\(name), \(weightArgs), \(bits), \(name)_b, \(name)_m, \(name)_r)")
        case .pool(let pool, _):
            let inShape = graph.tensors[op.inputs[0]].shape, outShape = graph.tensors[op.output].shape
            let (h, w, c) = inShape.count == 3 ? (inShape[0], inShape[1], inShape[2]) : (1, inShape[0], inShape[1])
            let (oh, ow) = outShape.count == 3 ? (outShape[0], outShape[1]) : (1, outShape[0])
            let (sizeH, strideH) = pool.rows
            var real = Double(input.scale) / Double(output.scale)
            if op.kind == .avgPool { real /= Double(sizeH * pool.size) }
            let (q31, right) = op.kind == .maxPool && input == output ? (0, 0) : try fixedPoint(FixedPointMultiplier(real), op: index)
            let text = "static const nas_pool_params \(name) = {\(h), \(w), \(c), \(oh), \(ow), \(sizeH), \(pool.size), \(strideH), \(pool.stride), \(q31), \(right), \(quant)};\n\n"
            return (text, "\(op.kind == .maxPool ? "nas_max_pool" : "nas_avg_pool")(\(ptr(op.inputs[0])), \(ptr(op.output)), &\(name))")
        case .mean:
            let channels = graph.tensors[op.output].shape[0], positions = graph.tensors[op.inputs[0]].bytes / channels
            let (q31, right) = try fixedPoint(FixedPointMultiplier(Double(input.scale) / Double(output.scale) / Double(positions)), op: index)
            return ("static const nas_quant \(name) = \(quant);\n\n",
                    "nas_mean(\(ptr(op.inputs[0])), \(ptr(op.output)), \(positions), \(channels), \(q31), \(right), &\(name))")
        case .add:
            let b = network.params[op.inputs[1]]
            let (qa, ra) = try fixedPoint(FixedPointMultiplier(Double(input.scale) / Double(output.scale)), op: index)
            let (qb, rb) = try fixedPoint(FixedPointMultiplier(Double(b.scale) / Double(output.scale)), op: index)
            return ("static const nas_quant \(name) = \(quant);\n\n",
                    "nas_add(\(ptr(op.inputs[0])), \(ptr(op.inputs[1])), \(ptr(op.output)), \(graph.tensors[op.output].bytes), \(input.zeroPoint), \(qa), \(ra), \(b.zeroPoint), \(qb), \(rb), &\(name))")
        case .mul:
            let b = network.params[op.inputs[1]]
            let (q31, right) = try fixedPoint(FixedPointMultiplier(Double(input.scale) * Double(b.scale) / Double(output.scale)), op: index)
            return ("static const nas_quant \(name) = \(quant);\n\n",
                    "nas_mul(\(ptr(op.inputs[0])), \(ptr(op.inputs[1])), \(ptr(op.output)), \(graph.tensors[op.output].bytes), \(graph.tensors[op.inputs[1]].bytes), \(input.zeroPoint), \(b.zeroPoint), \(q31), \(right), &\(name))")
        case .hardSwish, .hardSigmoid, .logistic:
            let text = array("static const int8_t", "\(name)_table", network.tables[index]!.map(String.init))
            return (text, "nas_lookup(\(ptr(op.inputs[0])), \(ptr(op.output)), \(graph.tensors[op.output].bytes), \(name)_table)")
        case .batchNorm:
            throw ExportError("a batch norm that was not folded cannot be exported")
        }
    }

    /// The bit-width op `index`'s weights are stored at (a `BitWidth`, so one the kernels decode).
    func weightBits(_ index: Int) -> Int { Self.weightBits(of: network, op: index) }

    /// The bit-width op `index`'s weights are stored at (8 for ops the network left unset).
    static func weightBits(of network: IntegerNetwork, op index: Int) -> Int {
        (network.weightBits[index] ?? .eight).bits
    }

    /// A layer's weights in the order its kernel reads them: int8 at 8 bits, else packed as the
    /// cost model counts them (see `packWeights`).
    func weightArray(_ name: String, _ weights: [Int8], bits: Int) throws -> String {
        if bits == 8 { return array("static const int8_t", name, weights.map(String.init)) }
        let limit = (1 << (bits - 1)) - 1
        guard weights.allSatisfy({ abs(Int($0)) <= limit }) else {
            throw ExportError("\(name) holds a weight outside ±\(limit), which \(bits) bits cannot store")
        }
        return "/* \(weights.count) \(bits)-bit weights, packed */\n"
            + array("static const uint8_t", name, packWeights(weights, bits: bits).map { "0x" + String($0, radix: 16) })
    }

    /// A layer's weight arrays in kernel order and the kernel's weight arguments: dense, the
    /// array `<name>_w`; sparse, the map `<name>_z` (bit j set where weight j is not zero) and the
    /// non-zero values `<name>_w` (absent, a null pointer, when every weight is zero), together
    /// the bytes `WeightStorage.bitmapBytes` counts.
    func weightArrays(_ name: String, _ weights: [Int8], bits: Int, sparse: Bool) throws -> (String, String) {
        guard sparse else { return (try weightArray("\(name)_w", weights, bits: bits), "\(name)_w") }
        var map = [UInt8](repeating: 0, count: WeightStorage.mapBytes(weights: weights.count))
        for (j, w) in weights.enumerated() where w != 0 { map[j >> 3] |= 1 << UInt8(j & 7) }
        let values = weights.filter { $0 != 0 }
        var text = "/* \(weights.count) weights, \(values.count) not zero: a bitmap of the non-zero ones, then their values */\n"
        text += array("static const uint8_t", "\(name)_z", map.map { "0x" + String($0, radix: 16) })
        if values.isEmpty { return (text, "\(name)_z, 0") }
        return (text + (try weightArray("\(name)_w", values, bits: bits)), "\(name)_z, \(name)_w")
    }

    func weightedConstants(_ name: String, _ index: Int) throws -> String {
        let multipliers = try network.multipliers[index]!.map { try fixedPoint($0, op: index) }
        return array("static const int32_t", "\(name)_b", network.biases[index]!.map(String.init))
            + array("static const int32_t", "\(name)_m", multipliers.map { String($0.0) })
            + array("static const int32_t", "\(name)_r", multipliers.map { String($0.1) })
    }

    /// (q31, right shift) as the kernels take them; shifts outside 1...62 would need wider
    /// arithmetic than the kernels use, so such a multiplier is refused, not approximated.
    func fixedPoint(_ m: FixedPointMultiplier, op: Int) throws -> (Int64, Int) {
        let right = 31 - m.shift
        guard (1...62).contains(right) else {
            throw ExportError("op \(op) needs a requantization multiplier of 2^\(m.shift - 31) * \(m.q31), outside the range the C kernels support")
        }
        return (m.q31, right)
    }
}

/// `bits`-bit two's complement values as one little-endian bit stream, value j at bits
/// [j * bits, (j + 1) * bits): (count * bits + 7) / 8 bytes, the cost model's packed size.
func packWeights(_ values: [Int8], bits: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: (values.count * bits + 7) / 8)
    let mask = (1 << bits) - 1
    for (j, v) in values.enumerated() {
        let bit = j * bits, field = (Int(v) & mask) << (bit & 7)
        bytes[bit >> 3] |= UInt8(field & 0xFF)
        if field > 0xFF { bytes[(bit >> 3) + 1] |= UInt8(field >> 8) }
    }
    return bytes
}

/// A C array definition, 16 values a line.
func array(_ type: String, _ name: String, _ values: [String]) -> String {
    let lines = stride(from: 0, to: max(values.count, 1), by: 16).map { start in
        "    " + values[start..<min(start + 16, values.count)].joined(separator: ", ")
    }
    return "\(type) \(name)[\(max(values.count, 1))] = {\n" + (values.isEmpty ? "    0" : lines.joined(separator: ",\n")) + "\n};\n"
}

/// A float as a C literal that reads back to the same float.
func cFloat(_ v: Float) -> String {
    var s = String(format: "%.9g", Double(v))
    if !s.contains(".") && !s.contains("e") && !s.contains("n") { s += ".0" }
    return s + "f"
}

extension ConvolutionGeometry {
    /// HWIO (I = channels per group) -> OHWI.
    func ohwi<T>(_ w: [T]) -> [T] {
        let gc = c / groups, k = kh * kw * gc
        return (0..<(oc * k)).map { i in w[(i % k) * oc + i / k] }
    }
}
