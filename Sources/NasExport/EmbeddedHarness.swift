import Foundation

/// Cross-compiles an export for a Cortex-M core with arm-none-eabi-gcc, links it into the
/// semihosting firmware of `CortexMFirmware`, runs it under qemu-system-arm with `-icount`, and
/// reads back the outputs, the instructions each op executed, the sizes of the model's objects
/// and the worst-case stack of `model_invoke` from gcc's call graph (-fcallgraph-info=su, the
/// call-graph form of -fstack-usage).
public struct EmbeddedHarness: Sendable {
    public let core: CortexMCore

    public init(_ core: CortexMCore) { self.core = core }

    /// What one firmware run measured.
    public struct Run: Sendable {
        /// One output tensor per input, as model_invoke wrote it.
        public let outputs: [[Int8]]
        /// Instructions op i executed, averaged over the inputs, the hook's own cost removed.
        public let opInstructions: [Double]
        /// Instructions of one model_invoke, averaged over the inputs (hooks removed).
        public let instructions: Double
        /// `arm-none-eabi-size` of model.o and nas_kernels.o: text, data, bss.
        public let model: ObjectSize
        public let kernels: ObjectSize
        /// Bytes of stack model_invoke needs at most: its frame plus the deepest chain of callees
        /// in the call graph gcc reports (library calls such as memcpy count 0).
        public let stackBytes: Int
        /// The same depth for every nas_* kernel entry point, and model_invoke's own frame.
        public let kernelStackBytes: [String: Int]
        public let invokeFrameBytes: Int
    }

    public struct ObjectSize: Sendable, Equatable {
        public let text: Int, data: Int, bss: Int
        /// What the object takes in flash: code and constants, plus initial values of .data.
        public var flash: Int { text + data }
    }

    /// Nil when arm-none-eabi-gcc, arm-none-eabi-size and qemu-system-arm are all on PATH, else
    /// which is missing (scripts/install-deps installs them).
    public static func missingToolchain() -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let missing = ["arm-none-eabi-gcc", "arm-none-eabi-size", "qemu-system-arm"].filter { tool in
            !path.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
        }
        return missing.isEmpty ? nil : "not on PATH: " + missing.joined(separator: ", ") + " (scripts/install-deps installs them)"
    }

    /// Builds `writer`'s export with `inputs` compiled in under `directory` (created; left in
    /// place for inspection) and runs it. Throws with the tool's output when a step fails.
    /// `cache`: a folder where the objects every model shares (the kernels, the startup code) are
    /// compiled once per core and reused; nil compiles them in `directory`.
    public func run(_ writer: CModelWriter, inputs: [[Int8]], in directory: String, cache: String? = nil, timeout: Int = 120) throws -> Run {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try writer.write(to: directory)
        let inputSize = writer.graph.tensors[writer.graph.input].bytes
        guard !inputs.isEmpty, inputs.allSatisfy({ $0.count == inputSize }) else {
            throw ExportError("the harness needs inputs of \(inputSize) values each")
        }
        let rows = inputs.map { "    {" + $0.map(String.init).joined(separator: ", ") + "}" }
        let inputSource = "/* nas_inputs.c: the harness's inputs. Generated. */\n#include \"model.h\"\n"
            + "const int nas_input_count = \(inputs.count);\n"
            + "const int8_t nas_inputs[\(inputs.count)][MODEL_INPUT_SIZE] = {\n" + rows.joined(separator: ",\n") + "\n};\n"
        for (name, text) in [("nas_harness.c", CortexMFirmware.main),
                             ("nas_harness.h", CortexMFirmware.hookHeader), ("nas_inputs.c", inputSource),
                             ("link.ld", core.linkerScript)] {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
        let cc = ["arm-none-eabi-gcc"] + core.gccFlags + CortexMCore.commonFlags
        // The firmware's own files are not model code: no -pedantic (a vector table stores the
        // stack's address among function pointers).
        let firmware = cc.filter { $0 != "-pedantic" }
        let shared = try sharedObjects(cc: cc, firmware: firmware, cache: cache ?? directory)
        try Self.tool(cc + ["-include", "nas_harness.h", "-fcallgraph-info=su", "-c", "model.c", "-o", "model.o"], in: directory)
        for source in ["nas_harness.c", "nas_inputs.c"] {
            try Self.tool(firmware + ["-c", source, "-o", source.replacingOccurrences(of: ".c", with: ".o")], in: directory)
        }
        try Self.tool(cc + ["-nostartfiles", "--specs=nano.specs", "-T", "link.ld", "-Wl,--gc-sections",
                            shared.startup, "nas_harness.o", "nas_inputs.o", "model.o", shared.kernels, "-o", "firmware.elf"], in: directory)
        let sizes = try Self.tool(["arm-none-eabi-size", "model.o", shared.kernels], in: directory)
        let objects = sizes.split(separator: "\n").dropFirst().map { line -> ObjectSize in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }
            return ObjectSize(text: f[0], data: f[1], bss: f[2])
        }
        guard objects.count == 2 else { throw ExportError("unexpected arm-none-eabi-size output: \(sizes)") }
        let graph = try Self.callGraph([folder.appendingPathComponent("model.ci").path, shared.kernels.replacingOccurrences(of: ".o", with: ".ci")])
        let stack = try graph.depth("model_invoke")
        var kernelStacks: [String: Int] = [:]
        for f in graph.frame.keys where f.hasPrefix("nas_") { kernelStacks[f] = try graph.depth(f) }

        let log = try Self.tool(["timeout", String(timeout), "qemu-system-arm", "-machine", core.machine] + core.machineOptions + ["-nographic",
                                 "-monitor", "none", "-serial", "none", "-semihosting-config", "enable=on,target=native",
                                 "-icount", "shift=0", "-kernel", "firmware.elf"], in: directory)
        return try Self.parse(log, outputSize: writer.graph.tensors[writer.graph.output].bytes, inputs: inputs.count,
                              model: objects[0], kernels: objects[1], stack: stack, kernelStacks: kernelStacks,
                              invokeFrame: graph.frame["model_invoke"] ?? 0)
    }

    /// nas_kernels.o (with its call graph) and nas_startup.o for this core, compiled into
    /// `cache`/<core> unless already there; absolute paths.
    func sharedObjects(cc: [String], firmware: [String], cache: String) throws -> (kernels: String, startup: String) {
        let folder = cache + "/" + core.machine
        Self.cacheLock.lock()
        defer { Self.cacheLock.unlock() }
        let kernels = folder + "/nas_kernels.o", startup = folder + "/nas_startup.o"
        if !FileManager.default.fileExists(atPath: kernels) || !FileManager.default.fileExists(atPath: startup) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // Dense and sparse kernels in one object, so that one build serves every export
            // (-ffunction-sections and --gc-sections keep only what a firmware calls).
            let files = CModelWriter.kernelFiles(sparse: true)
            try Data(files.header.utf8).write(to: URL(fileURLWithPath: folder + "/nas_kernels.h"))
            try Data(files.source.utf8).write(to: URL(fileURLWithPath: folder + "/nas_kernels.c"))
            try Data(CortexMFirmware.startup.utf8).write(to: URL(fileURLWithPath: folder + "/nas_startup.c"))
            try Self.tool(cc + ["-fcallgraph-info=su", "-c", "nas_kernels.c", "-o", "nas_kernels.o"], in: folder)
            try Self.tool(firmware + ["-c", "nas_startup.c", "-o", "nas_startup.o"], in: folder)
        }
        return (kernels, startup)
    }

    static let cacheLock = NSLock()

    static func parse(_ log: String, outputSize: Int, inputs: Int, model: ObjectSize, kernels: ObjectSize, stack: Int,
                      kernelStacks: [String: Int], invokeFrame: Int) throws -> Run {
        var outputs: [[Int8]] = [], opTicks: [Double] = [], ipt = 0.0, hookTicks = 0.0, total = 0.0
        for line in log.split(separator: "\n") {
            let f = line.split(separator: " ")
            switch f.first {
            case "ipt" where f.count == 3: ipt = Double(f[1])! / Double(f[2])!
            case "hook" where f.count == 2: hookTicks = Double(f[1])!
            case "op" where f.count == 3: opTicks.append(Double(f[2])!)
            case "total" where f.count == 2: total = Double(f[1])!
            case "out" where f.count == 2:
                let hex = Array(f[1].utf8)
                outputs.append(stride(from: 0, to: hex.count - 1, by: 2).map {
                    Int8(bitPattern: UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16)!)
                })
            default: break
            }
        }
        guard ipt > 0, outputs.count == inputs, outputs.allSatisfy({ $0.count == outputSize }) else {
            throw ExportError("the firmware did not finish: \(log.suffix(2000))")
        }
        let hook = hookTicks * ipt / 1000
        let ops = opTicks.map { $0 * ipt / Double(inputs) - hook }
        return Run(outputs: outputs, opInstructions: ops, instructions: total * ipt / Double(inputs) - hook * Double(ops.count),
                   model: model, kernels: kernels, stackBytes: stack, kernelStackBytes: kernelStacks, invokeFrameBytes: invokeFrame)
    }

    /// gcc's VCG call graphs: each function's own frame ("N bytes (static)") and its callees.
    struct CallGraph {
        var frame: [String: Int] = [:], callees: [String: [String]] = [:]

        /// The deepest stack from `root`: its frame plus its deepest callee's; functions without
        /// a frame entry (library calls such as memcpy) count 0. Recursion (which the kernels do
        /// not use) is refused.
        func depth(_ root: String) throws -> Int {
            guard frame[root] != nil else { throw ExportError("\(root) is not in the call graph") }
            func depth(_ f: String, _ path: Set<String>) throws -> Int {
                guard !path.contains(f) else { throw ExportError("recursive call through \(f): no static stack bound") }
                let deepest = try (callees[f] ?? []).map { try depth($0, path.union([f])) }.max() ?? 0
                return (frame[f] ?? 0) + deepest
            }
            return try depth(root, [])
        }
    }

    static func callGraph(_ paths: [String]) throws -> CallGraph {
        var graph = CallGraph()
        for path in paths {
            for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
                let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
                if line.hasPrefix("node:"), quoted.count >= 4, let bytes = quoted[3].components(separatedBy: "\\n")
                    .last(where: { $0.contains(" bytes (") })?.split(separator: " ").first.flatMap({ Int($0) }) {
                    graph.frame[String(quoted[1])] = bytes
                } else if line.hasPrefix("edge:"), quoted.count >= 4 {
                    graph.callees[String(quoted[1]), default: []].append(String(quoted[3]))
                }
            }
        }
        return graph
    }

    /// `body` over every job, `lanes` at a time, each lane taking the next job as it finishes
    /// one (a job is a firmware build and an emulated run: mostly waiting on gcc and QEMU, so
    /// two lanes keep this machine's two cores busy); the results in job order. The suite's
    /// emulated runs and `nasbook-bench mcu` share it.
    public static func inLanes<Job, Output>(_ jobs: [Job], lanes: Int = 2, _ body: (_ index: Int, _ job: Job) throws -> Output)
        -> [Result<Output, any Error>] {
        let results = UnsafeMutableBufferPointer<Result<Output, any Error>?>.allocate(capacity: jobs.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        withoutActuallyEscaping(body) { body in
            // Each slot is written by exactly one lane, and read only after every lane returned.
            nonisolated(unsafe) let slots = results, work = jobs, run = body
            nonisolated(unsafe) var claimed = 0
            let next = NSLock()
            DispatchQueue.concurrentPerform(iterations: max(1, lanes)) { _ in
                while true {
                    next.lock()
                    let i = claimed
                    claimed += 1
                    next.unlock()
                    guard i < work.count else { return }
                    slots[i] = Result { try run(i, work[i]) }
                }
            }
        }
        return results.map { $0! }
    }

    /// Runs a tool; its stdout and stderr together, or an error with them when it fails.
    @discardableResult
    static func tool(_ arguments: [String], in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ExportError("\(arguments.prefix(3).joined(separator: " ")) ... failed (status \(process.terminationStatus)) in \(directory):\n\(output.suffix(3000))")
        }
        return output
    }
}
