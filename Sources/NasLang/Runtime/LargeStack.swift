import Foundation

/// Runs evaluation on a thread with a large stack. The interpreter recurses once per nested
/// expression and call; limits keep that bounded, and a big stack keeps the bound far from
/// the 8 MB main-thread default, so no program can crash the process by recursing.
public enum LargeStack {
    public static let size = 512 << 20

    public static func run<T>(_ body: () throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { escapable in
            let box = Box(escapable)
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                box.result = Result { try box.body!() }
                box.body = nil  // release it before withoutActuallyEscaping checks it did not escape
                done.signal()
            }
            thread.stackSize = size
            thread.start()
            done.wait()
            return try box.result!.get()
        }
    }

    /// Hands the closure and its result across the thread boundary; the semaphore orders access.
    private final class Box<T>: @unchecked Sendable {
        var body: (() throws -> T)?
        var result: Result<T, Error>?
        init(_ body: @escaping () throws -> T) { self.body = body }
    }
}
