import CNasKernels
import NasCost
import NasNN

/// The float reference on many samples at once. Bit-identical to `run(_:)`, which stays the
/// reference: the C kernels sum every output in the same order with the same roundings.
extension FoldedNetwork {
    /// The output tensor (logits) of every sample, sample after sample.
    public func outputs(_ batch: SampleBatch) -> [Float] {
        let size = graph.tensors[graph.output].bytes
        var result = [Float](repeating: 0, count: batch.count * size)
        result.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            forEachSubBatch(batch) { samples, _, arena, buffer in
                let source = buffer + arena.offsets[graph.output]
                (out.baseAddress! + samples.lowerBound * size).update(from: source, count: samples.count * size)
            }
        }
        return result
    }

    /// The class each sample's logits pick: the first maximum, as the scalar path picks it.
    public func classify(_ batch: SampleBatch) -> [Int] {
        let size = graph.tensors[graph.output].bytes
        let logits = outputs(batch)
        return logits.withUnsafeBufferPointer { all in
            (0..<batch.count).map { BatchedInference.argmax(UnsafeBufferPointer(rebasing: all[$0 * size ..< ($0 + 1) * size])) }
        }
    }

    /// Every tensor's smallest and largest value over the batch (+inf and -inf where none was
    /// seen), as `Swift.min`/`Swift.max` over `run(_:)`'s values find them: what calibration needs.
    public func ranges(_ batch: SampleBatch) -> [(lo: Float, hi: Float)] {
        let tensors = graph.tensors.count, chunks = Parallel.chunkCount(of: max(1, batch.count))
        // Per chunk partial ranges: min and max ignore NaN and do not depend on order (up to
        // the sign of a zero bound, which QuantParams cannot see), so merging them is exact.
        var lo = [Float](repeating: .infinity, count: chunks * tensors)
        var hi = [Float](repeating: -.infinity, count: chunks * tensors)
        let produced = Set(graph.ops.map(\.output) + [graph.input])
        lo.withUnsafeMutableBufferPointer { lo in
            hi.withUnsafeMutableBufferPointer { hi in
                nonisolated(unsafe) let (lo, hi) = (lo, hi)
                forEachSubBatch(batch) { samples, chunk, arena, buffer in
                    for t in produced {
                        nas_range_f32(buffer + arena.offsets[t], samples.count * arena.sizes[t], lo.baseAddress! + chunk * tensors + t,
                                      hi.baseAddress! + chunk * tensors + t)
                    }
                }
            }
        }
        return (0..<tensors).map { t in
            var l = Float.infinity, h = -Float.infinity
            for chunk in 0..<chunks {
                l = Swift.min(l, lo[chunk * tensors + t])
                h = Swift.max(h, hi[chunk * tensors + t])
            }
            return (l, h)
        }
    }

    /// Every tensor of every sample (tensor by tensor, sample after sample): for tests that
    /// compare each op with `run(_:)`.
    func allTensors(_ batch: SampleBatch) -> [[Float]] {
        let sizes = graph.tensors.map { batch.count * $0.bytes }
        let buffers = sizes.map { size in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, size))
            buffer.initialize(repeating: 0, count: size)
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        nonisolated(unsafe) let targets = buffers
        forEachSubBatch(batch) { samples, _, arena, buffer in
            for t in targets.indices {
                let size = arena.sizes[t]
                (targets[t] + samples.lowerBound * size).update(from: buffer + arena.offsets[t], count: samples.count * size)
            }
        }
        return sizes.indices.map { Array(UnsafeBufferPointer(start: buffers[$0], count: sizes[$0])) }
    }

    /// Runs sub-batches of `batch` on `Parallel`'s chunks; `visit` sees each sub-batch's arena
    /// once every op has run.
    func forEachSubBatch(_ batch: SampleBatch,
                         _ visit: (Range<Int>, _ chunk: Int, TensorArena, UnsafeMutablePointer<Float>) -> Void) {
        precondition(batch.sampleSize == graph.tensors[graph.input].bytes, "samples hold \(batch.sampleSize) values, the network takes \(graph.tensors[graph.input].bytes)")
        let arena = TensorArena(graph, capacity: BatchedInference.subBatch)
        let scratchSize = graph.ops.map { op -> Int in
            switch op.operation {
            case .convolution(let window, _):
                var shape = ConvolutionGeometry(window, input: graph.tensors[op.inputs[0]].shape,
                                                output: graph.tensors[op.output].shape).kernelShape
                return nas_conv_f32_scratch(&shape)
            case .fullyConnected: return nas_dense_f32_scratch(Int32(graph.tensors[op.output].bytes))
            default: return 0
            }
        }.max() ?? 0
        batch.values.withUnsafeBufferPointer { inputs in
            BatchedInference.forEachChunk(batch.count, macsPerSample: BatchedInference.work(graph)) { chunk, range in
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: arena.total + scratchSize + 1)
                defer { buffer.deallocate() }
                let size = batch.sampleSize
                for samples in BatchedInference.subBatches(range) {
                    (buffer + arena.offsets[graph.input]).update(from: inputs.baseAddress! + samples.lowerBound * size,
                                                                 count: samples.count * size)
                    runOps(samples.count, arena: arena, buffer: buffer, scratch: buffer + arena.total)
                    visit(samples, chunk, arena, buffer)
                }
            }
        }
    }

    /// Every op on the `count` samples in the arena.
    private func runOps(_ count: Int, arena: TensorArena, buffer: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        for (index, op) in graph.ops.enumerated() {
            let x = buffer + arena.offsets[op.inputs[0]], y = buffer + arena.offsets[op.output]
            let inShape = graph.tensors[op.inputs[0]].shape, outShape = graph.tensors[op.output].shape
            let activation = op.activation.kernelCode
            switch op.operation {
            case .convolution(let window, _):
                var shape = ConvolutionGeometry(window, input: inShape, output: outShape).kernelShape
                let w = weights[index]!
                w.values.withUnsafeBufferPointer { values in
                    w.bias.withUnsafeBufferPointer { bias in
                        nas_conv_f32(x, count, &shape, values.baseAddress!, bias.baseAddress!, activation, y, scratch)
                    }
                }
            case .fullyConnected:
                let w = weights[index]!
                w.values.withUnsafeBufferPointer { values in
                    w.bias.withUnsafeBufferPointer { bias in
                        nas_dense_f32(x, count, Int32(arena.sizes[op.inputs[0]]), Int32(w.channels), values.baseAddress!,
                                      bias.baseAddress!, activation, y, scratch)
                    }
                }
            case .pool(let window, _):
                var shape = PoolWindows(window, input: inShape, output: outShape).kernelShape(input: inShape, output: outShape)
                nas_pool_f32(x, count, &shape, op.kind == .maxPool ? 1 : 0, activation, y)
            case .mean:
                let channels = outShape[0]
                nas_mean_f32(x, count, Int32(arena.sizes[op.inputs[0]] / channels), Int32(channels), activation, y)
            case .add:
                nas_add_f32(x, buffer + arena.offsets[op.inputs[1]], count * arena.sizes[op.output], activation, y)
            case .mul:
                nas_mul_f32(x, buffer + arena.offsets[op.inputs[1]], count, arena.sizes[op.output], Int32(arena.sizes[op.inputs[1]]),
                            activation, y)
            case .hardSwish, .hardSigmoid, .logistic:
                // Element-wise: the reference's own code on the whole sub-batch at once.
                let n = count * arena.sizes[op.output]
                let values = Self.execute(op, inputs: [Array(UnsafeBufferPointer(start: x, count: n))], shapes: [[n]], outShape: [n],
                                          weights: nil)
                y.update(from: values, count: n)
            case .batchNorm:
                preconditionFailure("rejected when the network was folded")
            }
        }
    }
}
