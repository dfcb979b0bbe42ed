import Foundation
import NasCore
import XCTest
@testable import NasLang

/// Random programs from a small grammar of engine builtin calls with random and extreme
/// arguments (huge, negative, zero, NaN, infinite, wrong types, unknown names) on tiny data.
/// Seeded, so a failure reproduces; bounded in time, so the suite stays fast. Passing means
/// no call traps (the process would die) and every failure is a diagnostic with a valid span.
final class EngineFuzzTests: XCTestCase {
    /// Argument values: extreme numbers (as expressions where the lexer would refuse them),
    /// wrong types and the program's own small objects. Mid-sized valid numbers are left out
    /// on purpose: `count: 100000` is legal and merely slow.
    static let values = [
        "-1", "0", "0.5", "1", "2", "3", "1e19", "9.3e18", "2147483647", "-2147483648", "1e-300",
        "(1e308 * 10)", "(-1e308 * 10)", "(1e308 * 10 - 1e308 * 10)", "16 KB", "1e30 B", "3 MHz",
        "\"\"", "\"adma\"", "\"sgd\"", "\"adam\"", "\"c\"", "\"tflite\"", "\"x.svg\"", "true", "none",
        "[]", "[1, 2]", "[0.5, 1e19]", "[2, 9]", "{a: 1}", "1..3", "fn(x) = x",
        "d", "v", "m", "r", "r.model", "b", "sp", "bad",
    ]

    /// Each builtin with the parameters the fuzzer may pass.
    static let calls: [(String, [String])] = [
        ("dataset.shapes", ["count", "size", "seed", "noise"]),
        ("dataset.motion", ["count", "length", "channels", "seed"]),
        ("take", ["data", "count", "seed"]),
        ("cnn", ["width", "depth", "kernel", "batchnorm", "dropout"]),
        ("cnn1d", ["width", "depth", "kernel"]),
        ("resnet", ["width", "stacks", "blocks"]),
        ("mobilenet", ["width", "blocks"]),
        ("dscnn", ["filters", "blocks"]),
        ("mlp", ["units", "layers", "batchnorm", "dropout"]),
        ("summary", ["model", "data"]),
        ("train", ["model", "data", "epochs", "lr", "batch", "seed", "optimizer", "schedule", "validation", "augment", "normalize"]),
        ("compress", ["model", "data", "channels", "prune", "bits", "epochs", "lr", "batch", "validation"]),
        ("quantize", ["model", "data", "calibration", "samples", "validation"]),
        ("cost", ["model", "target", "bits", "data"]),
        ("fits", ["model", "target", "budget"]),
        ("search", ["space", "data", "target", "strategy", "trials", "seed", "validation", "model"]),
        ("board", ["name", "mcu", "core", "clock", "ram", "flash", "cores"]),
        ("pareto", ["points"]),
        ("hypervolume", ["points", "reference"]),
        ("plot", ["data", "x", "y", "width", "height", "log"]),
        ("bars", ["data", "labels"]),
    ]

    /// Lines that set up the names the values refer to; each may fail too (that is fuzzed as well).
    static let prelude = """
    d = dataset.shapes(count: 24, size: 8, seed: 1)
    v = dataset.motion(count: 24, length: 16, seed: 1)
    m = cnn(width: 2, depth: 1)
    r = train(m, d, epochs: 1, batch: 8)
    b = board(name: "b", mcu: "m", core: "Cortex-M4", clock: 80 MHz, ram: 64 KB, flash: 256 KB)
    space sp { width in [2, 3]; epochs = 1 }
    budget { ram <= 32 KB }

    """

    func randomCall(_ rng: inout SeededGenerator) -> String {
        let (name, parameters) = rng.pick(Self.calls)
        var arguments: [String] = []
        for _ in 0..<rng.nextInt(below: 4) {
            let value = rng.pick(Self.values)
            switch rng.nextInt(below: 6) {
            case 0: arguments.append(value)  // positional
            case 1: arguments.append("\(rng.pick(["trails", "epoch", "widht", "x"])): \(value)")
            default: arguments.append("\(rng.pick(parameters)): \(value)")
            }
        }
        // Most calls get their required leading arguments right, so the fuzz reaches deep paths.
        let leading: [String] = switch name {
        case "take": ["d"]
        case "summary", "cost", "fits": [rng.pick(["m", "r.model"])] + (name == "summary" ? [] : ["b"])
        case "train": ["m", rng.pick(["d", "v"])]
        case "compress", "quantize": ["r.model", "d"]
        case "search": ["sp", "d", "b", "trials: 1"]
        default: []
        }
        var seen = Set<String>()
        let unique = (leading + arguments).filter { arg in
            let label = arg.split(separator: ":").first.map(String.init) ?? arg
            return !arg.contains(":") || seen.insert(label).inserted
        }
        return "\(name)(\(unique.joined(separator: ", ")))"
    }

    func exercise(_ text: String, in dir: URL) {
        let file = SourceFile(name: dir.appendingPathComponent("fuzz.nas").path, text: text)
        let interpreter = Interpreter(registry: .withEngine(), modulePaths: [], output: { _ in })
        interpreter.stepLimit = 20_000
        do {
            try interpreter.run(file)
        } catch let list as DiagnosticList {
            for d in list.diagnostics { check(d, in: file, text) }
        } catch let d as Diagnostic {
            check(d, in: file, text)
        } catch {
            XCTFail("\(type(of: error)) is not a diagnostic, for:\n\(text)")
        }
    }

    func check(_ d: Diagnostic, in file: SourceFile, _ text: String) {
        XCTAssertTrue(d.span.file === file, "diagnostic outside the program: \(d.message)\n\(text)")
        XCTAssertTrue(d.span.start >= 0 && d.span.end <= file.bytes.count, "span out of range: \(d.message)")
        XCTAssertTrue(d.render().contains("error: "), d.message)
    }

    func testRandomBuiltinCallsWithExtremeArgumentsNeverCrash() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-engine-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SeededGenerator(seed: 2026)
        let deadline = Date().addingTimeInterval(6)
        var programs = 0
        try LargeStack.run {
            while Date() < deadline, programs < 400 {
                let body = (0..<(1 + rng.nextInt(below: 3))).map { _ in "x = " + randomCall(&rng) }.joined(separator: "\n")
                exercise(Self.prelude + body + "\n", in: dir)
                programs += 1
            }
        }
        print("engine fuzz: \(programs) programs in \(String(format: "%.1f", 6 - deadline.timeIntervalSinceNow)) s")
        XCTAssertGreaterThan(programs, 20)
    }
}

private extension SeededGenerator {
    /// One of `items`, uniformly (they are never empty here).
    mutating func pick<Element>(_ items: [Element]) -> Element { items[nextInt(below: items.count)] }
}
