import CNasKernels
import NasCost
import NasNN

/// The batched scoring paths run a whole batch op by op through CNasKernels instead of one
/// sample at a time through Swift arrays. The samples are cut into `Parallel`'s fixed chunks
/// (one thread each) and each chunk into sub-batches of `subBatch` samples whose every tensor
/// lives in one arena. Each sample's arithmetic is the scalar reference's, so results do not
/// depend on the chunking, the thread count or the instruction set.
enum BatchedInference {
    /// Samples that run through the graph together: enough for the dense layers to reuse each
    /// weight row, few enough that a sub-batch's tensors stay in cache.
    static let subBatch = 8

    /// Calls `body(chunk, samples)` for each of `Parallel`'s fixed chunks of 0..<count, chunks in
    /// parallel; `macsPerSample` sizes the work for `Parallel`.
    static func forEachChunk(_ count: Int, macsPerSample: Int, _ body: (_ chunk: Int, Range<Int>) -> Void) {
        guard count > 0 else { return }
        Parallel.forEachChunk(count, work: count * max(1, macsPerSample)) { range, chunk in body(chunk, range) }
    }

    /// `range` cut into consecutive sub-batches of at most `subBatch` samples.
    static func subBatches(_ range: Range<Int>) -> [Range<Int>] {
        stride(from: range.lowerBound, to: range.upperBound, by: subBatch).map { $0 ..< min($0 + subBatch, range.upperBound) }
    }

    /// Multiply-adds (and element visits) per sample, for the serial/parallel decision.
    static func work(_ graph: DeploymentGraph) -> Int {
        graph.ops.reduce(0) { $0 + $1.macs + $1.elements }
    }

    /// The index of the first maximum, as `indices.max { v[$0] < v[$1] }` picks it.
    static func argmax<T: Comparable>(_ values: UnsafeBufferPointer<T>) -> Int {
        guard !values.isEmpty else { return 0 }
        var best = 0
        for i in 1..<values.count where values[best] < values[i] { best = i }
        return best
    }
}

/// Where each tensor of a graph lives in one flat buffer holding `capacity` samples: tensor t
/// of sample s at `offsets[t] + s * sizes[t]`.
struct TensorArena {
    let sizes: [Int]
    let offsets: [Int]
    let total: Int

    init(_ graph: DeploymentGraph, capacity: Int) {
        sizes = graph.tensors.map(\.bytes)
        var offsets: [Int] = [], next = 0
        for size in sizes {
            offsets.append(next)
            next += size * capacity
        }
        self.offsets = offsets
        total = next
    }
}

extension ConvolutionGeometry {
    /// The geometry as the C kernels take it.
    var kernelShape: nas_conv_shape {
        nas_conv_shape(h: Int32(h), w: Int32(w), c: Int32(c), oh: Int32(oh), ow: Int32(ow), oc: Int32(oc), kh: Int32(kh),
                       kw: Int32(kw), stride: Int32(stride), pad_h: Int32(ph), pad_w: Int32(pw), groups: Int32(groups))
    }
}

extension PoolWindows {
    /// The windows as the C kernels take them (`input`/`output` are the tensors' shapes).
    func kernelShape(input: [Int], output: [Int]) -> nas_pool_shape {
        let h = input.count == 3 ? input[0] : 1, oh = output.count == 3 ? output[0] : 1
        return nas_pool_shape(h: Int32(h), w: Int32(w), c: Int32(c), oh: Int32(oh), ow: Int32(ow), window_h: Int32(windowH),
                              window_w: Int32(size), stride_h: Int32(strideY), stride_w: Int32(stride))
    }

    /// Input values per window.
    var tapCount: Int { windowH * size }
}

extension DeploymentGraph.FusedActivation {
    /// The NAS_ACTIVATION_* code of the C kernels.
    var kernelCode: Int32 {
        switch self {
        case .none: Int32(NAS_ACTIVATION_NONE)
        case .relu: Int32(NAS_ACTIVATION_RELU)
        case .relu6: Int32(NAS_ACTIVATION_RELU6)
        }
    }
}
