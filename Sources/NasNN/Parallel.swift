import Dispatch
import Foundation

/// Splits batch work across threads. Layers divide the batch into fixed contiguous chunks, so
/// with the same thread count the arithmetic, and thus the result, is the same on every run.
public enum Parallel {
    nonisolated(unsafe) private static var configured = 0
    /// Read once: Foundation reads cgroup files on every call.
    private static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Worker threads used by the engine; defaults to the machine's active cores.
    public static var threads: Int {
        get { configured > 0 ? configured : cores }
        set { configured = max(1, newValue) }
    }

    /// How many chunks `chunks` will use for `count` items.
    static func workers(_ count: Int) -> Int {
        max(1, min(threads, count))
    }

    /// Calls `body(range, worker)` for `workers(count)` contiguous chunks of 0..<count, concurrently.
    static func chunks(_ count: Int, _ body: (Range<Int>, Int) -> Void) {
        let workers = workers(count)
        if workers == 1 {
            body(0..<count, 0)
            return
        }
        // Workers touch disjoint chunks of the buffers `body` captures; that is the whole contract.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                work(count * worker / workers ..< count * (worker + 1) / workers, worker)
            }
        }
    }
}
