import Dispatch
import Foundation

/// Splits batch work across threads.
///
/// Work is always cut into the same chunks (at most `partitions`), whatever the thread count,
/// and each chunk owns its partial sums; so results are bit-identical with 1, 2 or 16
/// threads, and a session replays exactly on another machine.
public enum Parallel {
    /// Fixed chunk count: enough to keep 8 cores busy, few enough to keep GEMMs large.
    static let partitions = 8
    nonisolated(unsafe) private static var configured = 0
    /// Read once: Foundation reads cgroup files on every call.
    private static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Worker threads used by the engine; 0 (the default) means one per active core.
    public static var threads: Int {
        get { configured > 0 ? configured : cores }
        set { configured = max(0, newValue) }
    }

    /// How many chunks `chunks` cuts `count` items into.
    static func chunkCount(_ count: Int) -> Int {
        max(1, min(partitions, count))
    }

    /// Below this many units of work (about one multiply-add or element each) waking a second
    /// thread costs more than it saves.
    static let serialWork = 1 << 17

    /// Calls `body(range, chunk)` for each of `chunkCount(count)` contiguous chunks of
    /// 0..<count, on up to `threads` threads; on one thread when `work` is small. The chunks
    /// are the same either way.
    static func chunks(_ count: Int, work: Int, _ body: (Range<Int>, Int) -> Void) {
        let chunks = chunkCount(count)
        @Sendable func range(_ chunk: Int) -> Range<Int> { count * chunk / chunks ..< count * (chunk + 1) / chunks }
        let workers = work < serialWork ? 1 : min(threads, chunks)
        if workers == 1 {
            for chunk in 0..<chunks { body(range(chunk), chunk) }
            return
        }
        // Chunks touch disjoint parts of the buffers `body` captures; that is the whole contract.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            if workers >= cores {
                // Let Dispatch hand out chunks as threads free up: a late-waking thread then
                // takes fewer chunks instead of leaving the caller to do its share.
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in work(range(chunk), chunk) }
            } else {
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for chunk in stride(from: worker, to: chunks, by: workers) { work(range(chunk), chunk) }
                }
            }
        }
    }
}
