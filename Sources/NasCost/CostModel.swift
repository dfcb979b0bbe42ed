import NasCore
import NasNN

/// What a board's core costs per operation, for latency estimates. These are documented
/// estimates from CMSIS-NN and ESP-NN int8 kernel characteristics, not measurements: a
/// Cortex-M4/M7 with DSP extensions retires two 8-bit MACs per SMLAD, the M7 dual-issues, the
/// M0+ has neither and runs the plain C kernels.
public struct CoreProfile: Sendable, Equatable {
    public let name: String
    public let cyclesPerConvMAC: Double
    public let cyclesPerDepthwiseMAC: Double
    public let cyclesPerDenseMAC: Double
    /// Per element read or written by pooling, add, mul and activation kernels.
    public let cyclesPerElement: Double
    /// Fixed cost of invoking one op (interpreter dispatch, requantization setup).
    public let cyclesPerOp: Double

    public static let cortexM0Plus = CoreProfile(name: "Cortex-M0+", cyclesPerConvMAC: 4.0, cyclesPerDepthwiseMAC: 5.0,
                                                 cyclesPerDenseMAC: 3.5, cyclesPerElement: 6, cyclesPerOp: 3000)
    public static let cortexM4 = CoreProfile(name: "Cortex-M4", cyclesPerConvMAC: 1.0, cyclesPerDepthwiseMAC: 1.6,
                                             cyclesPerDenseMAC: 1.1, cyclesPerElement: 3, cyclesPerOp: 2000)
    public static let cortexM7 = CoreProfile(name: "Cortex-M7", cyclesPerConvMAC: 0.6, cyclesPerDepthwiseMAC: 1.0,
                                             cyclesPerDenseMAC: 0.7, cyclesPerElement: 2, cyclesPerOp: 1500)
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
/// Flash per weighted op: weights as their `WeightStorage` holds them (packed at their
/// bit-width, or a bitmap of non-zeros plus the non-zero values when that is smaller; rounded up
/// to whole bytes per layer) + int32 biases + 8 bytes per output channel (requantization multiplier and shift) +
/// 8 bytes per output tensor (activation scale and zero point) + `layerOverhead` bytes for the
/// op's descriptors in the model file. RAM: the arena from the greedy plan of every activation
/// tensor and kernel scratch buffer, int8 activations. MACs: what the kernels execute, so a
/// bitmap layer counts its non-zero weights x positions.
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
    }

    /// Bytes of `weights` values stored packed at `bits` bits, one bit stream per layer: what
    /// the C export's weight arrays hold (a test compiles them and checks).
    public static func packedWeightBytes(weights: Int, bits: BitWidth) -> Int {
        WeightStorage.denseBytes(weights: weights, bits: bits.bits)
    }

    /// Descriptor bytes per op in the model file (operator, tensor and buffer tables).
    public static let layerOverhead = 64

    public let layers: [LayerCost]
    public let flashBytes: Int
    public let ramBytes: Int
    public let macs: Int
    public let parameters: Int
    public let latencySeconds: Double
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
        var flash = 0, macs = 0, parameters = 0, cycles = 0.0
        var weighted = 0
        for (i, op) in graph.ops.enumerated() {
            var opFlash = 0, weightBytes = 0, storage: WeightStorage?
            if op.weights > 0 {
                // A batch norm no weighted op absorbed keeps its parameters at 8 bits, dense.
                var b = BitWidth.eight
                var nonZero = op.weights
                if op.weighted != nil {
                    b = bits[weighted]
                    if weighted < nonZeroWeights.count { nonZero = nonZeroWeights[weighted] }
                    weighted += 1
                }
                storage = WeightStorage(weights: op.weights, nonZero: nonZero, bits: b.bits)
                weightBytes = storage!.bytes
                opFlash = weightBytes + op.biases * 4 + op.outputChannels * 8 + 8 + Self.layerOverhead
            } else {
                opFlash = 8 + Self.layerOverhead
            }
            let work: Double = switch op.kind {
            case .conv: Double(op.macs) * board.core.cyclesPerConvMAC
            case .depthwiseConv: Double(op.macs) * board.core.cyclesPerDepthwiseMAC
            case .fullyConnected: Double(op.macs) * board.core.cyclesPerDenseMAC
            default: Double(op.elements) * board.core.cyclesPerElement
            }
            let opCycles = work + board.core.cyclesPerOp
            let executed = storage?.executedMACs(dense: op.macs) ?? op.macs
            let live = buffers.indices.filter { buffers[$0].firstUse <= i && i <= buffers[$0].lastUse }
                .reduce(0) { $0 + buffers[$1].size }
            layers.append(LayerCost(op: op.kind, outputShape: graph.tensors[op.output].shape, parameters: op.weights + op.biases,
                                    macs: executed, skippedMACs: op.macs - executed, storage: storage, weightBytes: weightBytes, activationBytes: graph.tensors[op.output].bytes, liveBytes: live,
                                    flashBytes: opFlash, cycles: opCycles))
            flash += opFlash
            macs += executed
            parameters += op.weights + op.biases
            cycles += opCycles
        }
        self.layers = layers
        flashBytes = flash
        ramBytes = plan.arenaSize
        self.macs = macs
        self.parameters = parameters
        latencySeconds = cycles / board.clockHz
    }
}
