import NasCore
import NasNN

/// What a board's core costs per operation, for latency. Cortex-M0+, M4 and M7: `instructions`,
/// a model of the instructions nasbook's exported C executes per op, fitted to counts measured
/// on emulated cores (`bench/mcu-bench --fit`; EmbeddedTests checks it on networks not fitted),
/// times an assumed cycles per instruction. The per-MAC constants below are the fallback for
/// kernels the model has no fit for and for the Xtensa LX6, where they are documented estimates
/// from ESP-NN's int8 kernels, not measurements.
public struct CoreProfile: Sendable, Equatable {
    public let name: String
    public let cyclesPerConvMAC: Double
    public let cyclesPerDepthwiseMAC: Double
    public let cyclesPerDenseMAC: Double
    /// Per element read or written by pooling, add, mul and activation kernels.
    public let cyclesPerElement: Double
    /// Fixed cost of invoking one op (interpreter dispatch, requantization setup).
    public let cyclesPerOp: Double
    /// Instructions per op of the exported kernels on this core, fitted to emulated counts.
    public var instructions: InstructionModel? = nil

    public static let cortexM0Plus = CoreProfile(name: "Cortex-M0+", cyclesPerConvMAC: 4.0, cyclesPerDepthwiseMAC: 5.0,
                                                 cyclesPerDenseMAC: 3.5, cyclesPerElement: 6, cyclesPerOp: 3000,
                                                 instructions: InstructionModel.cortexM0Plus)
    public static let cortexM4 = CoreProfile(name: "Cortex-M4", cyclesPerConvMAC: 1.0, cyclesPerDepthwiseMAC: 1.6,
                                             cyclesPerDenseMAC: 1.1, cyclesPerElement: 3, cyclesPerOp: 2000,
                                             instructions: InstructionModel.cortexM4)
    public static let cortexM7 = CoreProfile(name: "Cortex-M7", cyclesPerConvMAC: 0.6, cyclesPerDepthwiseMAC: 1.0,
                                             cyclesPerDenseMAC: 0.7, cyclesPerElement: 2, cyclesPerOp: 1500,
                                             instructions: InstructionModel.cortexM7)
    public static let xtensaLX6 = CoreProfile(name: "Xtensa LX6", cyclesPerConvMAC: 1.2, cyclesPerDepthwiseMAC: 1.8,
                                              cyclesPerDenseMAC: 1.2, cyclesPerElement: 3, cyclesPerOp: 2000)

    /// The profile for a core name as boards spell it ("Cortex-M4F", "Cortex-M7", ...).
    public static func named(_ core: String) -> CoreProfile {
        let c = core.lowercased()
        if c.contains("m0") { return .cortexM0Plus }
        if c.contains("m7") { return .cortexM7 }
        if c.contains("m4") || c.contains("m33") { return .cortexM4 }
        if c.contains("xtensa") || c.contains("lx6") || c.contains("lx7") { return .xtensaLX6 }
        return .cortexM0Plus  // unknown cores: the conservative profile
    }
}

/// A deployment target as the cost model needs it.
public struct TargetBoard: Sendable, Equatable {
    public let name: String
    public let core: CoreProfile
    public let clockHz: Double
    public let ramBytes: Int
    public let flashBytes: Int

    public init(name: String, core: CoreProfile, clockHz: Double, ramBytes: Int, flashBytes: Int) {
        self.name = name
        self.core = core
        self.clockHz = clockHz
        self.ramBytes = ramBytes
        self.flashBytes = flashBytes
    }
}

/// Exact flash and RAM and estimated latency of a model on a board, per layer and in total.
///
/// Flash, what the C export's model.o holds: per weighted op, weights as their `WeightStorage`
/// holds them (packed at their bit-width, or a bitmap of non-zeros plus the non-zero values when
/// that is smaller; rounded up to whole bytes per layer) + int32 biases + 8 bytes per output
/// channel (requantization multiplier and shift); a tabulated non-linearity (hard swish, hard
/// sigmoid, logistic) adds its 256-byte table; every op adds `descriptorBytes` of its kind (its
/// parameter record and its call), and the network `invokeBytes` (model_invoke's own code).
/// RAM: the arena from the greedy plan of every activation tensor and kernel scratch buffer,
/// int8 activations. MACs: what the kernels execute, so a bitmap layer counts its non-zero
/// weights x positions.
public struct CostReport: Sendable {
    public struct LayerCost: Sendable, Equatable {
        public let op: DeploymentGraph.OpKind
        public let outputShape: [Int]
        public let parameters: Int
        /// MACs the kernel executes: every weight at every position, or only the non-zero
        /// ones for a bitmap layer.
        public let macs: Int
        /// MACs a dense kernel would have spent on zero weights that this op's bitmap skips.
        public let skippedMACs: Int
        /// How the weights are stored; nil for ops without weights.
        public let storage: WeightStorage?
        /// The weights' share of `flashBytes`: `storage.bytes`.
        public let weightBytes: Int
        public let activationBytes: Int
        /// Bytes of tensors and scratch alive while this op runs.
        public let liveBytes: Int
        public let flashBytes: Int
        public let cycles: Double
        /// Instructions the exported kernel is predicted to execute; nil where the core has no
        /// fitted model for it (then `cycles` is the per-MAC estimate).
        public let instructions: Double?
    }

    /// Bytes of `weights` values stored packed at `bits` bits, one bit stream per layer: what
    /// the C export's weight arrays hold (a test compiles them and checks).
    public static func packedWeightBytes(weights: Int, bits: BitWidth) -> Int {
        WeightStorage.denseBytes(weights: weights, bits: bits.bits)
    }

    /// Bytes of flash an op of `kind` takes in the C export besides its arrays: its parameter
    /// record (`nas_conv_params` 68 B, `nas_pool_params` 60 B, `nas_quant` 16 B, none for a
    /// lookup) plus its call in model_invoke (argument set-up and the arrays' addresses in the
    /// literal pool: 14 B for a pool's three arguments to 55 B for a convolution's eight).
    /// Measured with arm-none-eabi-size on arm-none-eabi-gcc 12.2 -O2 builds of every family for
    /// the Cortex-M0+, M4 and M7 (the calls differ by a few bytes between Thumb-1 and Thumb-2);
    /// EmbeddedTests checks model.o against the total.
    public static func descriptorBytes(_ kind: DeploymentGraph.OpKind) -> Int {
        switch kind {
        case .conv: 68 + 55
        case .depthwiseConv: 68 + 51
        case .fullyConnected: 16 + 57
        case .maxPool, .avgPool: 60 + 14
        case .mean: 16 + 34
        case .add: 16 + 58
        case .mul: 16 + 46
        case .hardSwish, .hardSigmoid, .logistic: 20
        // Never exported on its own (the export refuses an unfolded batch norm): a dense op's.
        case .batchNorm: 16 + 57
        }
    }

    /// model_invoke's own code in the C export: its prologue and epilogue and the copies of the
    /// input into the arena and the output out of it.
    public static let invokeBytes = 40

    /// The int8 -> int8 table an element-wise non-linearity runs through in the C export (one
    /// output per input value), stored in flash next to its op.
    public static let lookupTableBytes = 256

    /// Whether the C export runs `kind` through a 256-entry lookup table (hard swish, hard
    /// sigmoid, logistic: IntegerNetwork tabulates them).
    public static func usesLookupTable(_ kind: DeploymentGraph.OpKind) -> Bool {
        kind == .hardSwish || kind == .hardSigmoid || kind == .logistic
    }

    public let layers: [LayerCost]
    /// The layers' flash plus `invokeBytes`.
    public let flashBytes: Int
    public let ramBytes: Int
    public let macs: Int
    public let parameters: Int
    public let latencySeconds: Double
    /// Instructions the exported C is predicted to execute per inference, when every op has a
    /// fitted model on this core.
    public let instructions: Double?
    /// What `latencySeconds` is, for reports.
    public let latencyBasis: String
    public let plan: MemoryPlan

    /// The layers stored as a bitmap of non-zeros, with what that saves in flash and MACs.
    public var sparseLayers: [(index: Int, layer: LayerCost)] {
        layers.enumerated().filter { $0.element.storage?.isSparse == true }.map { ($0.offset, $0.element) }
    }

    /// `bits`: weight bit-width per weighted op (`graph.weightedOps`), as `PerLayer.fitted` gives
    /// them for the graph; nil: every weighted op at 8 bits.
    /// `nonZeroWeights`: per weighted op, how many of its weights are not zero (missing entries:
    /// all of them); each op's storage is the smaller encoding for that count.
    /// RAM is the size of the graph's `ArenaPlan`, the arena the C export allocates.
    public init(_ graph: DeploymentGraph, board: TargetBoard, bits: [BitWidth]? = nil, nonZeroWeights: [Int] = []) {
        let bits = bits ?? Array(repeating: .eight, count: graph.weightedOps.count)
        precondition(bits.count == graph.weightedOps.count, "one bit-width per weighted op (fit the list with PerLayer)")
        plan = ArenaPlan(graph).plan
        let buffers = plan.buffers

        var layers: [LayerCost] = []
        var flash = 0, macs = 0, parameters = 0, cycles = 0.0, instructions: Double? = 0
        var weighted = 0
        for (i, op) in graph.ops.enumerated() {
            var opFlash = 0, weightBytes = 0, storage: WeightStorage?
            var b = BitWidth.eight
            if op.weights > 0 {
                // A batch norm no weighted op absorbed keeps its parameters at 8 bits, dense.
                var nonZero = op.weights
                if op.weighted != nil {
                    b = bits[weighted]
                    if weighted < nonZeroWeights.count { nonZero = nonZeroWeights[weighted] }
                    weighted += 1
                }
                storage = WeightStorage(weights: op.weights, nonZero: nonZero, bits: b.bits)
                weightBytes = storage!.bytes
                opFlash = weightBytes + op.biases * 4 + op.outputChannels * 8 + Self.descriptorBytes(op.kind)
            } else {
                opFlash = Self.descriptorBytes(op.kind) + (Self.usesLookupTable(op.kind) ? Self.lookupTableBytes : 0)
            }
            let executed = storage?.executedMACs(dense: op.macs) ?? op.macs
            let work: Double = switch op.kind {
            case .conv: Double(executed) * board.core.cyclesPerConvMAC
            case .depthwiseConv: Double(executed) * board.core.cyclesPerDepthwiseMAC
            case .fullyConnected: Double(executed) * board.core.cyclesPerDenseMAC
            default: Double(op.elements) * board.core.cyclesPerElement
            }
            // Dense and sparse kernels both have fitted instruction models; a kernel at a width the
            // fit did not see (and with it the network's instruction total) falls back to per-MAC
            // constants over the MACs it executes.
            let predicted = board.core.instructions.flatMap { model in
                model.instructions(KernelWork(op, input: graph.tensors[op.inputs[0]], output: graph.tensors[op.output], bits: b.bits,
                                              dsp: model.dsp, storage: storage))
            }
            let opCycles = predicted.map { $0 * board.core.instructions!.cyclesPerInstruction } ?? work + board.core.cyclesPerOp
            instructions = predicted.flatMap { p in instructions.map { $0 + p } }
            let live = buffers.indices.filter { buffers[$0].firstUse <= i && i <= buffers[$0].lastUse }
                .reduce(0) { $0 + buffers[$1].size }
            layers.append(LayerCost(op: op.kind, outputShape: graph.tensors[op.output].shape, parameters: op.weights + op.biases,
                                    macs: executed, skippedMACs: op.macs - executed, storage: storage, weightBytes: weightBytes, activationBytes: graph.tensors[op.output].bytes, liveBytes: live,
                                    flashBytes: opFlash, cycles: opCycles, instructions: predicted))
            flash += opFlash
            macs += executed
            parameters += op.weights + op.biases
            cycles += opCycles
        }
        self.layers = layers
        flashBytes = flash + Self.invokeBytes
        ramBytes = plan.arenaSize
        self.macs = macs
        self.parameters = parameters
        latencySeconds = cycles / board.clockHz
        self.instructions = instructions
        if let model = board.core.instructions, instructions != nil {
            latencyBasis = "from emulated instruction counts of the exported C x \(model.cyclesPerInstruction) cycles/instruction (\(board.core.name))"
        } else {
            latencyBasis = "estimated from per-MAC constants (\(board.core.name))"
        }
    }
}
