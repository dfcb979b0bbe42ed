import CNasKernels
import NasCost
import NasNN

/// The integer-only path on many samples at once. Bit-identical to `run(_:)`, which stays the
/// reference: same int32 accumulators (wrapping), same `FixedPointMultiplier.apply`, same clamps.
extension IntegerNetwork {
    /// The int8 output tensor of every sample, sample after sample.
    public func outputs(_ batch: SampleBatch) -> [Int8] {
        let graph = folded.graph, size = graph.tensors[graph.output].bytes
        var result = [Int8](repeating: 0, count: batch.count * size)
        result.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            forEachSubBatch(batch) { samples, arena, buffer in
                (out.baseAddress! + samples.lowerBound * size).update(from: buffer + arena.offsets[graph.output], count: samples.count * size)
            }
        }
        return result
    }

    /// The class an int8 inference picks for each sample: the first maximum, as `classify(_:)` does.
    public func classify(_ batch: SampleBatch) -> [Int] {
        let size = folded.graph.tensors[folded.graph.output].bytes
        let logits = outputs(batch)
        return logits.withUnsafeBufferPointer { all in
            (0..<batch.count).map { BatchedInference.argmax(UnsafeBufferPointer(rebasing: all[$0 * size ..< ($0 + 1) * size])) }
        }
    }

    /// Every tensor of every sample (tensor by tensor, sample after sample): for tests that
    /// compare each op with `run(_:)`.
    func allTensors(_ batch: SampleBatch) -> [[Int8]] {
        let sizes = folded.graph.tensors.map { batch.count * $0.bytes }
        let buffers = sizes.map { size in
            let buffer = UnsafeMutablePointer<Int8>.allocate(capacity: max(1, size))
            buffer.initialize(repeating: 0, count: size)
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        nonisolated(unsafe) let targets = buffers
        forEachSubBatch(batch) { samples, arena, buffer in
            for t in targets.indices {
                let size = arena.sizes[t]
                (targets[t] + samples.lowerBound * size).update(from: buffer + arena.offsets[t], count: samples.count * size)
            }
        }
        return sizes.indices.map { Array(UnsafeBufferPointer(start: buffers[$0], count: sizes[$0])) }
    }

    /// Quantizes and runs sub-batches of `batch` on `Parallel`'s chunks; `visit` sees each
    /// sub-batch's arena once every op has run.
    func forEachSubBatch(_ batch: SampleBatch, _ visit: (Range<Int>, TensorArena, UnsafeMutablePointer<Int8>) -> Void) {
        let graph = folded.graph
        precondition(batch.sampleSize == graph.tensors[graph.input].bytes, "samples hold \(batch.sampleSize) values, the network takes \(graph.tensors[graph.input].bytes)")
        let kernels = IntegerKernels(self)
        let arena = TensorArena(graph, capacity: BatchedInference.subBatch)
        let input = params[graph.input]
        batch.values.withUnsafeBufferPointer { inputs in
            BatchedInference.forEachChunk(batch.count, macsPerSample: BatchedInference.work(graph)) { _, range in
                let buffer = UnsafeMutablePointer<Int8>.allocate(capacity: arena.total + 1)
                let scratch = UnsafeMutablePointer<Int16>.allocate(capacity: kernels.scratchSize + 1)
                defer {
                    buffer.deallocate()
                    scratch.deallocate()
                }
                let size = batch.sampleSize, x = buffer + arena.offsets[graph.input]
                for samples in BatchedInference.subBatches(range) {
                    let first = samples.lowerBound * size
                    for i in 0..<(samples.count * size) { x[i] = input.quantize(inputs[first + i]) }
                    kernels.run(samples.count, arena: arena, buffer: buffer, scratch: scratch)
                    visit(samples, arena, buffer)
                }
            }
        }
    }
}

/// An IntegerNetwork's ops in the form the C kernels take: weights packed as int16 pairs,
/// requantization multipliers split into Q31 values and shifts, clamps and zero points.
struct IntegerKernels {
    struct Op {
        var conv: nas_conv_shape?
        var pool: nas_pool_shape?
        /// Packed weights (nas_pack_weights_s8), or plain int16 ones for depthwise shapes.
        var weights: [Int16] = []
        var bias: [Int32] = []
        var q31: [Int64] = []
        var shift: [Int32] = []
        var zeroOut: Int64 = 0, lo: Int64 = -128, hi: Int64 = 127
        /// Zero points of the first and second input.
        var za: Int32 = 0, zb: Int32 = 0
        /// Max pooling whose output shares its input's parameters: only the clamp applies.
        var passthrough = false
        var table: [Int8] = []

        mutating func multipliers(_ m: [FixedPointMultiplier]) {
            q31 = m.map(\.q31)
            shift = m.map { Int32($0.shift) }
        }
    }

    let graph: DeploymentGraph
    let ops: [Op]
    /// Int16 scratch one sub-batch needs for the largest op.
    let scratchSize: Int

    init(_ network: IntegerNetwork) {
        let graph = network.folded.graph, params = network.params
        self.graph = graph
        var scratch = 0
        ops = graph.ops.enumerated().map { index, op in
            let inShape = graph.tensors[op.inputs[0]].shape, outShape = graph.tensors[op.output].shape
            let input = params[op.inputs[0]], out = params[op.output]
            var k = Op()
            (k.lo, k.hi) = network.bounds(op)
            k.zeroOut = Int64(out.zeroPoint)
            k.za = input.zeroPoint
            if op.inputs.count > 1 { k.zb = params[op.inputs[1]].zeroPoint }
            switch op.operation {
            case .convolution(let window, _):
                var shape = ConvolutionGeometry(window, input: inShape, output: outShape).kernelShape
                let w = network.weights[index]!
                if nas_conv_is_depthwise(&shape) != 0 {
                    k.weights = w.map(Int16.init)
                } else {
                    let depth = Int(shape.kh * shape.kw * (shape.c / shape.groups))
                    k.weights = Self.pack(w, depth: depth, channels: Int(shape.oc), groups: Int(shape.groups))
                }
                k.bias = network.biases[index]!
                k.multipliers(network.multipliers[index]!)
                k.conv = shape
                scratch = max(scratch, nas_conv_s8_scratch(&shape))
            case .fullyConnected:
                let b = network.biases[index]!, features = graph.tensors[op.inputs[0]].bytes
                k.weights = Self.pack(network.weights[index]!, depth: features, channels: b.count, groups: 1)
                k.bias = b
                k.multipliers(network.multipliers[index]!)
                scratch = max(scratch, nas_dense_s8_scratch(BatchedInference.subBatch, Int32(features), Int32(b.count)))
            case .pool(let window, _):
                let windows = PoolWindows(window, input: inShape, output: outShape)
                k.pool = windows.kernelShape(input: inShape, output: outShape)
                if op.kind == .maxPool {
                    k.passthrough = out == input
                    k.multipliers([FixedPointMultiplier(Double(input.scale) / Double(out.scale))])
                } else {
                    k.multipliers([FixedPointMultiplier(Double(input.scale) / Double(out.scale) / Double(windows.tapCount))])
                }
            case .mean:
                let positions = graph.tensors[op.inputs[0]].bytes / outShape[0]
                k.multipliers([FixedPointMultiplier(Double(input.scale) / Double(out.scale) / Double(positions))])
            case .add:
                let b = params[op.inputs[1]]
                k.multipliers([FixedPointMultiplier(Double(input.scale) / Double(out.scale)),
                               FixedPointMultiplier(Double(b.scale) / Double(out.scale))])
            case .mul:
                let b = params[op.inputs[1]]
                k.multipliers([FixedPointMultiplier(Double(input.scale) * Double(b.scale) / Double(out.scale))])
            case .hardSwish, .hardSigmoid, .logistic:
                k.table = network.tables[index]!
            case .batchNorm:
                preconditionFailure("rejected when the network was folded")
            }
            return k
        }
        scratchSize = scratch
    }

    static func pack(_ w: [Int8], depth: Int, channels: Int, groups: Int) -> [Int16] {
        let size = nas_packed_weights_size(Int32(depth), Int32(channels), Int32(groups))
        return [Int16](unsafeUninitializedCapacity: size) { packed, initialized in
            w.withUnsafeBufferPointer { nas_pack_weights_s8($0.baseAddress!, Int32(depth), Int32(channels), Int32(groups), packed.baseAddress!) }
            initialized = size
        }
    }

    /// Every op on the `count` samples in the arena.
    func run(_ count: Int, arena: TensorArena, buffer: UnsafeMutablePointer<Int8>, scratch: UnsafeMutablePointer<Int16>) {
        for (index, op) in graph.ops.enumerated() {
            let k = ops[index]
            let x = buffer + arena.offsets[op.inputs[0]], y = buffer + arena.offsets[op.output]
            let b = op.inputs.count > 1 ? buffer + arena.offsets[op.inputs[1]] : x
            k.q31.withUnsafeBufferPointer { q31 in
                k.shift.withUnsafeBufferPointer { shift in
                    var r = nas_requant(q31: q31.baseAddress, shift: shift.baseAddress, zero_out: k.zeroOut, lo: k.lo, hi: k.hi)
                    switch op.kind {
                    case .conv, .depthwiseConv:
                        var shape = k.conv!
                        k.weights.withUnsafeBufferPointer { w in
                            k.bias.withUnsafeBufferPointer { bias in
                                nas_conv_s8(x, count, &shape, k.za, w.baseAddress!, bias.baseAddress!, &r, y, scratch)
                            }
                        }
                    case .fullyConnected:
                        k.weights.withUnsafeBufferPointer { w in
                            k.bias.withUnsafeBufferPointer { bias in
                                nas_dense_s8(x, count, Int32(arena.sizes[op.inputs[0]]), Int32(k.bias.count), k.za, w.baseAddress!,
                                             bias.baseAddress!, &r, y, scratch)
                            }
                        }
                    case .maxPool, .avgPool:
                        var shape = k.pool!
                        nas_pool_s8(x, count, &shape, op.kind == .maxPool ? 1 : 0, k.za, k.passthrough ? 1 : 0, &r, y)
                    case .mean:
                        let channels = arena.sizes[op.output]
                        nas_mean_s8(x, count, Int32(arena.sizes[op.inputs[0]] / channels), Int32(channels), k.za, &r, y)
                    case .add:
                        nas_add_s8(x, b, count * arena.sizes[op.output], k.za, k.zb, &r, y)
                    case .mul:
                        nas_mul_s8(x, b, count, arena.sizes[op.output], Int32(arena.sizes[op.inputs[1]]), k.za, k.zb, &r, y)
                    case .hardSwish, .hardSigmoid, .logistic:
                        k.table.withUnsafeBufferPointer { nas_lut_s8(x, count * arena.sizes[op.output], $0.baseAddress!, y) }
                    case .batchNorm:
                        preconditionFailure("rejected when the network was folded")
                    }
                }
            }
        }
    }
}
