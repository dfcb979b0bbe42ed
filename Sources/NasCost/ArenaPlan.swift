/// The tensor arena of a deployment graph: one buffer per tensor, alive from its producer (the
/// input from before op 0) to its last reader (the output to the end), and one per op that needs
/// kernel scratch, alive during that op. The cost model reports its size as RAM and the C export
/// places tensors and scratch at its offsets, so the two cannot disagree.
public struct ArenaPlan: Sendable {
    public let plan: MemoryPlan
    /// Buffer index of each op's scratch, nil for ops that need none. Tensor t is buffer t.
    public let scratchBuffer: [Int?]

    public init(_ graph: DeploymentGraph) {
        let opCount = graph.ops.count
        var first = [Int](repeating: 0, count: graph.tensors.count)
        var last = [Int](repeating: 0, count: graph.tensors.count)
        for (i, op) in graph.ops.enumerated() {
            first[op.output] = i
            last[op.output] = max(last[op.output], i)
            for input in op.inputs { last[input] = max(last[input], i) }
        }
        first[graph.input] = 0
        last[graph.output] = max(0, opCount - 1)
        var buffers = graph.tensors.indices.map { MemoryPlan.Buffer(size: graph.tensors[$0].bytes, firstUse: first[$0], lastUse: last[$0]) }
        var scratch = [Int?](repeating: nil, count: opCount)
        for (i, op) in graph.ops.enumerated() where op.scratchBytes > 0 {
            scratch[i] = buffers.count
            buffers.append(MemoryPlan.Buffer(size: op.scratchBytes, firstUse: i, lastUse: i))
        }
        plan = MemoryPlan(buffers)
        scratchBuffer = scratch
    }

    public var arenaSize: Int { plan.arenaSize }

    /// Byte offset of tensor `t` in the arena.
    public func offset(ofTensor t: Int) -> Int { plan.offsets[t] }

    /// Byte offset and size of op `i`'s scratch, nil when it needs none.
    public func scratch(ofOp i: Int) -> (offset: Int, size: Int)? {
        scratchBuffer[i].map { (plan.offsets[$0], plan.buffers[$0].size) }
    }
}
