import Foundation
import XCTest

/// Drives the real REPL under a real pty (tmux): typing, multi-line cells, Tab completion,
/// history across sessions, Ctrl-C on a line and on a running cell, Ctrl-D to leave.
final class PtyReplTests: XCTestCase {
    var socket = ""
    var home = URL(fileURLWithPath: "/")

    override func setUpWithError() throws {
        guard let tmux = Self.tmuxPath else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                XCTFail("tmux is required for the pty REPL test under CI")
            }
            throw XCTSkip("tmux not installed (apt-get install tmux)")
        }
        _ = tmux
        socket = "nasbook-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        home = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    override func tearDown() {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: home)
    }

    static var tmuxPath: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tmux client with posix_spawn and waitpid. Foundation's Process is no use here: the
    /// tmux server forks off the first client and keeps the descriptors Process watches for exit.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        try tmuxWithStatus(arguments).output
    }

    func tmuxWithStatus(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let argv = [Self.tmuxPath!, "-L", socket, "-f", "/dev/null"] + arguments
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ)
        close(fds[1])
        guard status == 0 else {
            close(fds[0])
            throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL)
        }
        // Only capture-pane prints; a server started by new-session keeps the pipe open, so
        // other commands are not read to the end.
        var output = Data()
        if arguments.first == "capture-pane" {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fds[0], &buffer, buffer.count)
                if n <= 0 { break }
                output.append(contentsOf: buffer[0..<n])
            }
        }
        close(fds[0])
        var exitStatus: Int32 = 0
        waitpid(pid, &exitStatus, 0)
        return (String(decoding: output, as: UTF8.self), exitStatus)
    }

    /// Starts the REPL in `directory` (the repository root by default) with `arguments`.
    func start(in directory: URL = CLITests.root, arguments: String = "") throws {
        let history = home.appendingPathComponent("history").path
        let command = "cd '\(directory.path)' && env HOME='\(home.path)' NASBOOK_HISTORY='\(history)' TERM=xterm '\(CLITests.binary.path)' \(arguments); echo \"[exit $?]\"; sleep 30"
        // A tmux server now and then dies while starting on a loaded machine ("server exited
        // unexpectedly"); that says nothing about nasbook, so starting is retried.
        for _ in 0..<3 {
            try tmux(["new-session", "-d", "-s", "repl", "-x", "100", "-y", "50", command])
            Thread.sleep(forTimeInterval: 0.2)
            if try tmuxWithStatus(["has-session", "-t", "repl"]).status == 0 { return }
        }
        XCTFail("tmux could not start a session")
    }

    func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-N", "-t", "repl", "-S", "-200"])
    }

    func keys(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "repl"] + keys)
    }

    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", "repl", "-l", text])
    }

    /// Waits until the screen shows `text` at least `count` times; fails with the screen otherwise.
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(15)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.components(separatedBy: text).count - 1 >= count { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(count)x '\(text)'; screen:\n\(last)", file: file, line: line)
        throw XCTSkip("aborting after the failure above")
    }

    func testTypingCompletionHistoryAndInterrupts() throws {
        try start()
        try waitFor("nas> ")

        // A multi-line definition: the prompt changes while the brace is open.
        try type("fn twice(x) {"); try keys("Enter")
        try waitFor("...> ")
        try type("  return x * 2"); try keys("Enter")
        try type("}"); try keys("Enter")
        try waitFor("nas> ", count: 2)

        // Tab completes a bound name.
        try type("twi"); try keys("Tab")
        try waitFor("nas> twice")
        try type("(21)"); try keys("Enter")
        try waitFor("\n42\n")

        // Ctrl-C drops a half-typed line; the session goes on.
        try type("this is not finished"); try keys("C-c")
        try waitFor("^C")
        try waitFor("nas> ", count: 4)

        // Up recalls the previous line from history.
        try keys("Up"); try keys("Enter")
        try waitFor("\n42\n", count: 2)

        // Tab on an ambiguous member lists the candidates.
        try type("use \"boards\""); try keys("Enter")
        try type("boards.nucleo_"); try keys("Tab")
        try waitFor("nucleo_l4r5zi")
        try type("f"); try keys("Tab"); try keys("Enter")
        try waitFor("NUCLEO-F746ZG")

        // Ctrl-C stops a running cell and returns to the prompt.
        try type("n = 0"); try keys("Enter")
        try type("for i in 0..1000000000 { n += 1 }"); try keys("Enter")
        Thread.sleep(forTimeInterval: 0.5)
        try keys("C-c")
        try waitFor("interrupted")
        try type("n > 0"); try keys("Enter")
        try waitFor("\ntrue\n")

        // Training draws a live progress line and ends with a summary of the run.
        try type("r = train(cnn1d(width: 4, depth: 1), dataset.motion(count: 64, length: 32), epochs: 1, batch: 16)")
        try keys("Enter")
        try waitFor("samples/s")
        try waitFor("nas> ", count: 12)

        // Ctrl-D leaves with status 0 and the history file keeps the session's lines.
        try keys("C-d")
        try waitFor("[exit 0]")
        let history = try String(contentsOf: home.appendingPathComponent("history"), encoding: .utf8)
        XCTAssertTrue(history.contains("twice(21)"), history)

        // A new session recalls the previous session's lines.
        try tmux(["kill-server"])
        try start()
        try waitFor("nas> ")
        try keys("Up")
        try waitFor("nas> r = train(")
        try keys("C-u"); try type(":quit"); try keys("Enter")
        try waitFor("[exit 0]")
    }

    func testSaveInARealReplThenReplay() throws {
        let file = home.appendingPathComponent("pty.nasbook").path
        // In the folder it saves into: the REPL reaches its working directory's tree.
        try start(in: home)
        try waitFor("nas> ")
        try type("x = 6 * 7"); try keys("Enter")
        try type("r = train(cnn1d(width: 4, depth: 1), dataset.motion(count: 64, length: 32), epochs: 2, batch: 16, seed: 2)")
        try keys("Enter")
        try waitFor("samples/s")
        try waitFor("nas> ", count: 3)
        try type(":save \(file)"); try keys("Enter")
        try waitFor("saved 2 cells")
        try type("print(x, r.accuracy > 0)"); try keys("Enter")
        try waitFor("42 true")
        // Ctrl-D only once libedit reads again: sent earlier, the tty could swallow it.
        try waitFor("nas> ", count: 5)
        try keys("C-d")
        try waitFor("[exit 0]")

        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.contains("\"input\": \"print(x, r.accuracy > 0)\""), "autosaved after :save: \(text)")
        XCTAssertTrue(text.contains("epoch 2/2  loss "), text)
        XCTAssertFalse(text.contains("\\u001b") || text.contains("\\r") || text.contains("samples/s"),
                       "no redraws or timings in the record: \(text)")

        let replay = Process()
        replay.executableURL = CLITests.binary
        replay.arguments = ["replay", file]
        let out = Pipe()
        replay.standardOutput = out
        try replay.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        replay.waitUntilExit()
        XCTAssertEqual(replay.terminationStatus, 0, printed)
        XCTAssertTrue(printed.contains("all 3 cells match"), printed)
    }

    /// `--history FILE` naming a file that is not libedit's history: a warning, and the file
    /// is never written.
    func testAForeignHistoryFileIsLeftUntouched() throws {
        let notes = home.appendingPathComponent("notes.txt")
        try "my notes, not history\n".write(to: notes, atomically: true, encoding: .utf8)
        try start(in: home, arguments: "--history '\(notes.path)'")
        try waitFor("is not a nasbook (libedit) history file; it is left untouched")
        try waitFor("nas> ")
        try type("6 * 7"); try keys("Enter")
        try waitFor("42")
        try waitFor("nas> ", count: 2)
        try keys("C-d")
        try waitFor("[exit 0]")
        XCTAssertEqual(try String(contentsOf: notes, encoding: .utf8), "my notes, not history\n")
    }
}
