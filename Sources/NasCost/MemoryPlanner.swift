/// Places buffers in one arena so that buffers alive at the same time never overlap, the way
/// TensorFlow Lite Micro's GreedyMemoryPlanner does: largest first, each at the lowest offset
/// that clears every already placed buffer whose lifetime intersects its own.
public struct MemoryPlan: Sendable, Equatable {
    public struct Buffer: Sendable, Equatable {
        public let size: Int
        /// First and last op index (inclusive) during which the buffer must hold its data.
        public let firstUse: Int
        public let lastUse: Int

        public init(size: Int, firstUse: Int, lastUse: Int) {
            self.size = size
            self.firstUse = firstUse
            self.lastUse = lastUse
        }

        func overlapsInTime(_ other: Buffer) -> Bool {
            firstUse <= other.lastUse && other.firstUse <= lastUse
        }
    }

    public let buffers: [Buffer]
    /// Offset of each buffer, in the order given.
    public let offsets: [Int]
    /// Arena bytes: the highest end of any placed buffer.
    public let arenaSize: Int

    /// Which of two buffers of the same (aligned) size is placed first.
    public enum Ties: Sendable {
        /// The one in use first: the C export's arena.
        case firstUse
        /// The one given last, as TFLM's planner does (it lists buffers from the tail, then sorts
        /// them by size with a stable sort): to predict TFLM's own arena for a .tflite.
        case lastGiven
    }

    /// `alignment` rounds every buffer up, as runtimes align tensor data (TFLM: 16 bytes).
    public init(_ buffers: [Buffer], alignment: Int = 16, ties: Ties = .firstUse) {
        self.buffers = buffers
        let aligned = buffers.map { ($0.size + alignment - 1) / alignment * alignment }
        let order = buffers.indices.sorted { a, b in
            if aligned[a] != aligned[b] { return aligned[a] > aligned[b] }
            switch ties {
            case .firstUse: return buffers[a].firstUse < buffers[b].firstUse
            case .lastGiven: return a > b
            }
        }
        var offsets = [Int](repeating: 0, count: buffers.count)
        var placed: [Int] = []
        var arena = 0
        for index in order {
            let size = aligned[index]
            // Conflicting placed buffers, by offset; try the gaps between them from the bottom.
            let conflicts = placed.filter { buffers[$0].overlapsInTime(buffers[index]) }
                .map { (offsets[$0], offsets[$0] + aligned[$0]) }.sorted { $0.0 < $1.0 }
            var candidate = 0
            for (start, end) in conflicts {
                if candidate + size <= start { break }
                candidate = max(candidate, end)
            }
            offsets[index] = candidate
            placed.append(index)
            arena = max(arena, candidate + size)
        }
        self.offsets = offsets
        self.arenaSize = arena
    }

    /// Whether two buffers alive at the same time share bytes (never, if the planner is right).
    public var hasConflicts: Bool {
        for a in buffers.indices {
            for b in buffers.indices where a < b && buffers[a].overlapsInTime(buffers[b]) {
                let endA = offsets[a] + buffers[a].size, endB = offsets[b] + buffers[b].size
                if offsets[a] < endB && offsets[b] < endA && buffers[a].size > 0 && buffers[b].size > 0 { return true }
            }
        }
        return false
    }
}
