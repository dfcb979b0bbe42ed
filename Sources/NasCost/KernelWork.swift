import NasNN

/// The work of one deployed op as the exported C kernels (NasExport's nas_kernels.c) execute it:
/// which kernel runs, at which weight width, and the counts its instruction count grows with.
/// The latency model is linear in these counts, with coefficients fitted per core to instruction
/// counts measured under emulation (`bench/mcu-bench --fit`).
public struct KernelWork: Sendable, Equatable {
    /// The kernel: "conv" (im2col through scratch), "pointwise" (1x1 stride-1 convolution read
    /// in place), "depthwise", "dense", or an element-wise op's kind ("max_pool", "add", ...).
    public let kernel: String
    /// Weight width class: 8, 4 or 2 (decoded a word at a time on DSP cores), 0 for the widths
    /// decoded to int8 first (3, 5, 6, 7); 8 for ops without weights, and on DSP cores for a
    /// small layer whose sub-byte weights are decoded once and run as 8-bit ones.
    public let width: Int
    /// The counts, in this order: MACs; outputs (values requantized); column values (gathered
    /// into scratch, or on DSP cores into a 1x1 convolution's stack columns); elements (read and
    /// written); 1 (the call); unpaired column values (those of convolutions whose channels per
    /// group are not a multiple of the DSP kernels' pair group, gathered the slow way); blocks
    /// (the DSP kernels' register blocks: 2 pixels x 2 channels for convolutions, 1x1 ones on DSP
    /// cores included, otherwise 1 pixel x 2 channels for 1x1 and dense, 1 pixel x 4 channels for
    /// depthwise); valid MACs (depthwise taps inside the input, the only ones its DSP kernel
    /// runs); tail MACs (convolution MACs on the last k % group values of a column, multiplied
    /// one by one; at 8 bits on DSP cores only the last channel pair does, the others multiply
    /// the zero-padded last group as a whole word); taps gathered (pixels x taps x groups of convolutions through scratch: the
    /// gather's per-tap work, which a fit on columns alone would spread over channels); map
    /// chunks (the sparse kernels' reads of 8 bits of a layer's bitmap: every output pixel, or
    /// pixel pair through scratch, walks every row's map; 0 for dense kernels).
    /// Each coefficient multiplies one of these.
    public let counts: [Double]

    /// The table key of the kernel at its width.
    public var key: String { "\(kernel)/\(width)" }

    public static func widthClass(_ bits: Int) -> Int { bits == 8 || bits == 4 || bits == 2 ? bits : 0 }

    /// Weights up to which the DSP kernels decode a layer's sub-byte weights to int8 once per
    /// call (into a stack buffer of this many bytes) and run the 8-bit kernel: convolutions
    /// through scratch and depthwise convolutions with one channel per input channel. The C
    /// source takes its buffer size from here.
    public static let decodedWeightLimit = 512

    /// Input channels per group up to which the DSP kernels gather a 1x1 convolution's two
    /// pixels into int16 columns on the stack (2 x this many values) and run the convolution's
    /// 2 x 2 block; wider ones read the input in place, one pixel at a time.
    public static let pointwiseColumnChannels = 128

    public init(kernel: String, width: Int, counts: [Double]) {
        self.kernel = kernel
        self.width = width
        self.counts = counts
    }

    /// `dsp`: the work as the DSP kernels (Cortex-M4, M7) do it, which run a small layer's
    /// sub-byte weights as 8-bit ones once decoded (`decodedWeightLimit`) and block 1x1
    /// convolutions as the others (`pointwiseColumnChannels`). `storage`: the op's weight
    /// encoding; a bitmap layer runs its sparse kernel (`sparse(...)`), on every core the same C.
    public init(_ op: DeploymentGraph.Op, input: DeploymentGraph.TensorInfo, output: DeploymentGraph.TensorInfo, bits: Int,
                dsp: Bool = false, storage: WeightStorage? = nil) {
        if let storage, storage.isSparse, let work = Self.sparse(op, input: input, output: output, storage: storage) {
            self = work
            return
        }
        let outputs = Double(output.bytes)
        let pixels = output.bytes / max(1, op.outputChannels)
        var columns = 0.0, unpaired = 0.0, blocks = 0.0, valid = Double(op.macs), tail = 0.0, gathered = 0.0
        var bits = bits
        switch op.operation {
        case .convolution(let conv, let depthwise):
            let taps = conv.taps
            let decodable = depthwise ? op.outputChannels == conv.inputChannels : op.scratchBytes > 0
            if dsp && bits != 8 && decodable && op.weights <= Self.decodedWeightLimit { bits = 8 }
            let gatheredPointwise = dsp && op.scratchBytes == 0 && conv.inputChannels / conv.groups <= Self.pointwiseColumnChannels
            if op.scratchBytes > 0 || gatheredPointwise { columns = Double(pixels * taps * conv.inputChannels) }
            let group = bits == 4 ? 8 : bits == 2 ? 16 : 4
            if depthwise {
                kernel = "depthwise"
                blocks = Double(pixels * ((op.outputChannels + 3) / 4))
                // Taps inside the input: separable into rows and columns.
                let (h, w) = input.shape.count == 3 ? (input.shape[0], input.shape[1]) : (1, input.shape[0])
                let (oh, ow) = output.shape.count == 3 ? (output.shape[0], output.shape[1]) : (1, output.shape[0])
                func inside(_ outCount: Int, _ size: Int, _ k: Int, _ pad: Int) -> Int {
                    (0..<outCount).reduce(0) { sum, o in sum + (0..<k).filter { (0..<size).contains(o * conv.stride - pad + $0) }.count }
                }
                let rows = input.shape.count == 3 ? inside(oh, h, conv.kernelHeight, conv.paddingHeight) : conv.kernelHeight * oh
                valid = Double(rows * inside(ow, w, conv.kernelWidth, conv.paddingWidth) * op.outputChannels)
            } else if op.scratchBytes > 0 || gatheredPointwise {
                kernel = op.scratchBytes > 0 ? "conv" : "pointwise"
                let gc = conv.inputChannels / conv.groups, goc = op.outputChannels / conv.groups
                if gc % group != 0 { unpaired = columns }
                let k = taps * gc
                tail = Double(op.macs) * Double(k % group) / Double(k)
                gathered = Double(pixels * taps * conv.groups)
                blocks = Double((pixels + 1) / 2 * (goc + 1) / 2 * conv.groups)
            } else {
                kernel = "pointwise"
                blocks = Double(pixels * (op.outputChannels / conv.groups + 1) / 2 * conv.groups)
            }
            width = Self.widthClass(bits)
        case .fullyConnected:
            kernel = "dense"
            blocks = Double((op.outputChannels + 1) / 2)
            width = Self.widthClass(bits)
        default:
            kernel = op.kind.rawValue
            width = 8
        }
        counts = [Double(op.macs), outputs, columns, Double(op.elements), 1, unpaired, blocks, valid, tail, gathered, 0]
    }

    /// The work of a layer stored as a bitmap of non-zeros (NasExport's SparseKernels): kernel
    /// "conv_sparse" (through scratch, two pixels' columns at a time), "pointwise_sparse" (1x1
    /// stride 1, read in place), "depthwise_sparse" or "dense_sparse", at the stored width class.
    /// Its MACs are the executed ones (non-zero weights x positions); its map chunks the bytes
    /// of map each row walk reads. Nil for ops without weights.
    static func sparse(_ op: DeploymentGraph.Op, input: DeploymentGraph.TensorInfo, output: DeploymentGraph.TensorInfo,
                       storage: WeightStorage) -> KernelWork? {
        let pixels = output.bytes / max(1, op.outputChannels)
        let macs = Double(storage.executedMACs(dense: op.macs))
        var columns = 0.0, gathered = 0.0, chunks = 0.0
        let kernel: String
        switch op.operation {
        case .convolution(let conv, let depthwise):
            let taps = conv.taps
            if depthwise {
                kernel = "depthwise"
                if op.scratchBytes > 0 {
                    columns = Double(pixels * taps * conv.inputChannels)
                    gathered = Double(pixels * taps)
                }
                chunks = Double(pixels * op.outputChannels * ((taps + 7) / 8))
            } else {
                let k = taps * conv.inputChannels / conv.groups
                if op.scratchBytes > 0 {
                    kernel = "conv"
                    columns = Double(pixels * taps * conv.inputChannels)
                    gathered = Double(pixels * taps * conv.groups)
                    chunks = Double((pixels + 1) / 2 * op.outputChannels * ((k + 7) / 8))
                } else {
                    kernel = "pointwise"
                    chunks = Double(pixels * op.outputChannels * ((k + 7) / 8))
                }
            }
        case .fullyConnected:
            kernel = "dense"
            chunks = Double(op.outputChannels * ((op.weights / max(1, op.outputChannels) + 7) / 8))
        default:
            return nil
        }
        return KernelWork(kernel: kernel + "_sparse", width: widthClass(storage.bits),
                          counts: [macs, Double(output.bytes), columns, 0, 1, 0, 0, 0, 0, gathered, chunks])
    }
}

/// Instructions per kernel as a linear function of its `KernelWork` counts, and the cycles each
/// instruction is assumed to take on the core.
public struct InstructionModel: Sendable, Equatable {
    /// What the model was fitted to, for the cost report's wording.
    public let source: String
    /// Assumed cycles per instruction of the exported kernels on this core: the emulator counts
    /// instructions, the board runs cycles.
    public let cyclesPerInstruction: Double
    /// Whether the core runs the DSP kernels (the counts are then `KernelWork`'s with `dsp`).
    public let dsp: Bool
    /// Coefficients per `KernelWork.key`, one per count.
    public let coefficients: [String: [Double]]

    public init(source: String, cyclesPerInstruction: Double, dsp: Bool, coefficients: [String: [Double]]) {
        self.source = source
        self.cyclesPerInstruction = cyclesPerInstruction
        self.dsp = dsp
        self.coefficients = coefficients
    }

    /// Predicted instructions of one op; nil when the kernel at that width was not fitted.
    public func instructions(_ work: KernelWork) -> Double? {
        guard let c = coefficients[work.key], c.count == work.counts.count else { return nil }
        return zip(c, work.counts).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
