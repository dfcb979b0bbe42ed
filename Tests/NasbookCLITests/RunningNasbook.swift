import Foundation
import XCTest

/// A `nasbook` process of the built binary running in the background, for tests that act while
/// it runs (signal it, kill a worker, stop the database server): its standard output is read
/// as it comes (`read(until:)`), its standard error collected on a side thread so a chatty
/// process never blocks on a full pipe, and `finish` waits for it with a watchdog, so a test
/// of a process that hangs fails instead of hanging the suite.
final class RunningNasbook {
    let process = Process()
    private let out = Pipe(), err = Pipe()
    /// Standard output read so far.
    private(set) var output = ""
    private let errors = Errors()

    private final class Errors: @unchecked Sendable {
        let lock = NSLock()
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }

    init(_ arguments: [String], env: [String: String] = [:], directory: URL = CLITests.root) throws {
        process.executableURL = CLITests.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let handle = err.fileHandleForReading, errors = self.errors
        Thread.detachNewThread {
            let data = handle.readDataToEndOfFile()
            errors.lock.withLock { errors.data = data }
            errors.done.signal()
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Reads standard output until `condition` holds for all of it (true), or the output ends
    /// or `timeout` passes (false).
    @discardableResult
    func read(until condition: (String) -> Bool, timeout: TimeInterval = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(output), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { return condition(output) }
            output += String(decoding: chunk, as: UTF8.self)
        }
        return condition(output)
    }

    func signal(_ number: Int32) { XCTAssertEqual(kill(pid, number), 0, "signal \(number) to pid \(pid)") }

    /// Waits for the process to end (SIGKILL after `timeout`) and returns its status and its
    /// whole output.
    func finish(timeout: TimeInterval = 180) -> CLITests.Result {
        let process = self.process
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        output += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        errors.done.wait()
        return CLITests.Result(status: process.terminationStatus, out: output,
                               err: String(decoding: errors.lock.withLock { errors.data }, as: UTF8.self))
    }
}
