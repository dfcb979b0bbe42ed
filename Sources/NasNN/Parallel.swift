import CNasKernels
import Foundation

/// Splits batch work across threads.
///
/// Work is always cut into the same chunks (at most `partitions`), whatever the thread count,
/// and each chunk owns its partial sums; so results are bit-identical with 1, 2 or 16
/// threads, and a session replays exactly on another machine.
public enum Parallel {
    /// One parallel region as the pool's C callback sees it.
    private struct Region {
        let count: Int
        let chunks: Int
        let body: (Range<Int>, Int) -> Void

        func range(_ chunk: Int) -> Range<Int> { Parallel.chunkRange(chunk, of: chunks, over: count) }
    }

    /// Fixed chunk count: enough to keep 8 cores busy, few enough to keep GEMMs large.
    static let partitions = 8
    nonisolated(unsafe) private static var configured = 0
    /// Read once: Foundation reads cgroup files on every call.
    private static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Worker threads used by the engine: the innermost `withThreads` count, else the process
    /// setting (benchmarks sweep it), where 0 (the default) means one per active core.
    public static var threads: Int {
        get { scopedThreads.get() ?? (configured > 0 ? configured : cores) }
        set { configured = max(0, newValue) }
    }

    /// A thread count bound for one call and everything it calls (`train(threads: 2)`), not for
    /// the process: a task-local value, so concurrent callers each see their own.
    private static let scopedThreads = TaskLocal<Int?>(wrappedValue: nil)

    /// Runs `body` with the engine on `threads` worker threads (nil: as the caller's). Results
    /// are the same for every count, since the chunks do not depend on it.
    public static func withThreads<T>(_ threads: Int?, _ body: () throws -> T) rethrows -> T {
        guard let threads else { return try body() }
        return try scopedThreads.withValue(max(1, threads)) { try body() }
    }

    /// Chunk `chunk` of `chunks` contiguous chunks of 0..<count: the one rule every region cuts by.
    static func chunkRange(_ chunk: Int, of chunks: Int, over count: Int) -> Range<Int> {
        count * chunk / chunks ..< count * (chunk + 1) / chunks
    }

    /// How many chunks `chunks` cuts `count` items into.
    static func chunkCount(_ count: Int) -> Int {
        max(1, min(partitions, count))
    }

    /// Below this many units of work (about one multiply-add or element each) handing chunks to
    /// another thread costs more than it saves. The pool's workers wake in about a microsecond
    /// when they are spinning, so this is a few microseconds of work.
    static let serialWork = 1 << 15

    /// Calls `body(range, chunk)` for each of `chunkCount(count)` contiguous chunks of
    /// 0..<count, on up to `threads` threads; on one thread when `work` is small. The chunks
    /// are the same either way.
    static func chunks(_ count: Int, work: Int, _ body: (Range<Int>, Int) -> Void) {
        let chunks = chunkCount(count)
        run(count, chunks: chunks, workers: work < serialWork ? 1 : min(threads, chunks), body)
    }

    /// Calls `body(range)` for one contiguous piece of 0..<count per thread (pieces a multiple
    /// of `granularity` items long, but the last), on one thread when `work` is small. Only for
    /// work whose items are independent: each item's result is computed by exactly one piece,
    /// in the same order whatever the piece, so the split may follow the thread count without
    /// changing any result (e.g. per-channel sums over rows, split by channel). At one thread
    /// it is a single call over everything, so it costs no extra pass.
    static func independentPieces(_ count: Int, granularity: Int = 1, work: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let units = (count + granularity - 1) / granularity
        let pieces = work < serialWork ? 1 : max(1, min(threads, units))
        run(units, chunks: pieces, workers: pieces) { unitRange, _ in
            body(unitRange.lowerBound * granularity ..< min(count, unitRange.upperBound * granularity))
        }
    }

    /// `chunks` contiguous chunks of 0..<count, on `workers` threads.
    private static func run(_ count: Int, chunks: Int, workers: Int, _ body: (Range<Int>, Int) -> Void) {
        if workers == 1 {
            for chunk in 0..<chunks { body(chunkRange(chunk, of: chunks, over: count), chunk) }
            return
        }
        // Chunks touch disjoint parts of the buffers `body` captures; that is the whole contract.
        // The pool (CNasKernels' nas_parallel_for) keeps its threads between regions: a training
        // step has about 25 regions, and waking Dispatch threads for each cost more than short
        // regions gain.
        withoutActuallyEscaping(body) { body in
            var region = Region(count: count, chunks: chunks, body: body)
            withUnsafeMutablePointer(to: &region) { pointer in
                nas_parallel_for(Int32(chunks), Int32(workers), { context, chunk in
                    let region = context!.assumingMemoryBound(to: Region.self)
                    region.pointee.body(region.pointee.range(Int(chunk)), Int(chunk))
                }, pointer)
            }
        }
    }
}
