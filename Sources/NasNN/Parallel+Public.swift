extension Parallel {
    /// `chunks` for the engine's other modules (NasQuant's batched inference): calls
    /// `body(range, chunk)` for each fixed chunk of 0..<count, on up to `threads` threads, on one
    /// when `work` (about one multiply-add per unit) is small. The chunks never depend on the
    /// thread count, so neither do results that are computed per chunk.
    public static func forEachChunk(_ count: Int, work: Int, _ body: (Range<Int>, Int) -> Void) {
        chunks(count, work: work, body)
    }

    /// How many chunks `forEachChunk` cuts `count` items into (for per-chunk partial results).
    public static func chunkCount(of count: Int) -> Int { chunkCount(count) }
}
