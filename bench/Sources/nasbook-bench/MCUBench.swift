import ArgumentParser
import Foundation
import NasCompress
import NasCore
import NasCost
import NasData
import NasExport
import NasNN
import NasQuant

/// The exported C on emulated Cortex-M cores: instructions per MAC of each kernel (conv with
/// im2col, 1x1 conv, depthwise, dense) per core and weight width, counted under QEMU with
/// `-icount` (SysTick on the emulated clock, see CortexMFirmware), outputs checked bit for bit
/// against IntegerNetwork first. `--fit` also fits the cost model's instruction model to every
/// op's count and prints it as Swift for NasCost's CoreProfile.
struct MCUBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcu",
        abstract: "Instructions per MAC of the exported kernels on emulated Cortex-M0+/M4/M7 (QEMU -icount); --fit fits the latency model."
    )

    @Option(help: "Cores: m0plus, m4, m7, comma-separated.") var cores = "m0plus,m4,m7"
    @Option(help: "Weight widths, comma-separated (every weighted layer at one width).") var bits = "8,4,2"
    @Option(help: "Inputs per firmware run.") var inputs = 4
    @Flag(help: "Fit the latency model to every op of the fit networks and print it.") var fit = false
    @Option(help: "Also write every measured op (core, kernel/width, counts, instructions) to this TSV file.") var samplesFile: String?
    @Option(help: "Build the firmwares in this folder and keep them (one numbered folder per run, the shared kernels in shared/), for reruns with edited kernels.") var keep: String?

    /// The networks measured: the issue's 8-bit cnn (width 16, depth 3, 32x32x3), a DS-CNN, a
    /// MobileNetV3 and an MLP. With --fit, also smaller and differently shaped ones, so every
    /// kernel is seen at several sizes, and pruned ones for the sparse kernels (the test's
    /// held-out networks are none of these).
    static func networks(fit: Bool) throws -> [(String, Model)] {
        var rng = SeededGenerator(seed: 3)
        var list: [(String, Model)] = [
            ("cnn", try Architectures.plainCNN(input: [32, 32, 3], classes: 10, width: 16, depth: 3, seed: 1, rng: &rng)),
            ("dscnn", try Architectures.dsCNN(input: [49, 10, 1], classes: 12, filters: 32, blocks: 3, rng: &rng)),
            ("mobilenet", try Architectures.mobileNetV3(input: [32, 32, 3], classes: 10, width: 0.5, blocks: 4, rng: &rng)),
            ("mlp", try Architectures.mlp(input: [128], classes: 10, units: 64, layers: 2, seed: 1, rng: &rng)),
        ]
        if fit {
            list += [
                ("cnn-small", try Architectures.plainCNN(input: [12, 12, 1], classes: 4, width: 4, depth: 3, seed: 2, rng: &rng)),
                ("cnn-wide", try Architectures.plainCNN(input: [16, 16, 3], classes: 5, width: 24, depth: 2, kernel: 5, seed: 3, rng: &rng)),
                ("cnn1d", try Architectures.plainCNN(input: [64, 3], classes: 6, width: 8, depth: 3, kernel: 5, seed: 4, rng: &rng)),
                ("resnet", try Architectures.resnet(input: [16, 16, 3], classes: 5, width: 8, stacks: 2, rng: &rng)),
                ("mobilenet-small", try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 3, rng: &rng)),
                ("dscnn-small", try Architectures.dsCNN(input: [25, 10, 1], classes: 6, filters: 16, blocks: 2, rng: &rng)),
                ("mlp-small", try Architectures.mlp(input: [20], classes: 3, units: 16, layers: 2, seed: 5, rng: &rng)),
                ("resnet-small", try Architectures.resnet(input: [10, 10, 3], classes: 3, width: 4, stacks: 2, rng: &rng)),
                ("cnn-odd", try Architectures.plainCNN(input: [14, 14, 3], classes: 4, width: 6, depth: 2, seed: 6, rng: &rng)),
                // 3x3 depthwise layers too large for the DSP kernels to decode their sub-byte
                // weights once (9 x 64 > KernelWork.decodedWeightLimit), as MobileNet's 5x5 ones are.
                ("dscnn-wide", try Architectures.dsCNN(input: [20, 8, 1], classes: 5, filters: 64, blocks: 2, rng: &rng)),
            ] + (try pruned)
        }
        for (_, model) in list {
            let size = model.inputShape.reduce(1, *)
            _ = model.forward(Tensor(shape: [8] + model.inputShape, data: (0..<(8 * size)).map { _ in rng.uniform(-1.5, 1.5) }), training: true)
        }
        for (name, model) in list where name.hasSuffix("-pruned") { try prune(model, rates: [0.55, 0.8, 0.65, 0.9]) }
        return list
    }

    /// Networks pruned (unstructured, by magnitude) past the point where every width stores
    /// their layers as a bitmap of non-zeros, so the fit sees the sparse kernels at every width
    /// and at several sparsities (the test's held-out sparse networks are none of these).
    static var pruned: [(String, Model)] {
        get throws {
            var rng = SeededGenerator(seed: 5)
            return [
                ("cnn-pruned", try Architectures.plainCNN(input: [16, 16, 3], classes: 5, width: 12, depth: 3, seed: 7, rng: &rng)),
                ("cnn1d-pruned", try Architectures.plainCNN(input: [40, 4], classes: 4, width: 16, depth: 2, kernel: 5, seed: 8, rng: &rng)),
                ("dscnn-pruned", try Architectures.dsCNN(input: [25, 10, 1], classes: 6, filters: 24, blocks: 2, rng: &rng)),
                ("mobilenet-pruned", try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 3, rng: &rng)),
                ("mlp-pruned", try Architectures.mlp(input: [64], classes: 5, units: 48, layers: 2, seed: 9, rng: &rng)),
            ]
        }
    }

    /// Zeroes the smallest-magnitude fraction of each weighted layer's weights, the rates taken
    /// in turn.
    static func prune(_ model: Model, rates: [Double]) throws {
        for (i, named) in try model.weightedLayers().enumerated() {
            let weight = named.layer.weight
            weight.value = zip(weight.value, magnitudeMask(weight.value, rate: rates[i % rates.count])).map { $0 * $1 }
        }
    }

    /// One measured op: its kernel work, the instructions it executed, the width its weights
    /// are stored at (8 for ops without weights) and whether they are stored as a bitmap of
    /// non-zeros (then its sparse kernel ran: fitted under that kernel's key, "conv_sparse/8",
    /// and reported on its own line).
    struct Sample { let work: KernelWork; let instructions: Double; let bits: Int; let sparse: Bool }

    func run() throws {
        if let missing = EmbeddedHarness.missingToolchain() { throw ValidationError("mcu-bench needs the Cortex-M toolchain: \(missing)") }
        let coreList = try cores.split(separator: ",").map { name -> CortexMCore in
            guard let core = ["m0plus": CortexMCore.m0plus, "m4": .m4, "m7": .m7][String(name)] else {
                throw ValidationError("unknown core \(name): use m0plus, m4, m7")
            }
            return core
        }
        let widths = try bits.split(separator: ",").map { b -> Int in
            guard let v = Int(b), (2...8).contains(v) else { throw ValidationError("--bits: widths 2 to 8") }
            return v
        }
        let widthSets = fit ? Array(Set(widths + [8, 4, 2, 5])).sorted(by: >) : widths
        let networks = try Self.networks(fit: fit)
        var jobs: [(network: String, model: Model, bits: Int, core: CortexMCore)] = []
        for (name, model) in networks { for b in widthSets { for core in coreList { jobs.append((name, model, b, core)) } } }

        let base = keep ?? NSTemporaryDirectory() + "nasbook-mcu-bench-\(getpid())"
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: base) } }
        if let keep {
            try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
            let manifest = jobs.enumerated().map { "\($0)\t\($1.network)\t\($1.bits)\t\($1.core.machine)\n" }.joined()
            try ("run\tnetwork\tbits\tmachine\n" + manifest).write(toFile: keep + "/runs.tsv", atomically: true, encoding: .utf8)
        }
        // Networks and inputs are prepared here, one at a time; only the firmware builds and runs
        // go in parallel.
        let prepared = try jobs.map { try Self.prepare($0.model, bits: $0.bits, inputs: inputs) }
        let results = EmbeddedHarness.inLanes(Array(zip(prepared, jobs.map(\.core)))) { i, work in
            try Self.measure(work.0, core: work.1, in: "\(base)/\(i)")
        }

        // samples[core][KernelWork.key]: every op, which the fit takes (sparse ones under their
        // sparse kernel's key); stored[core][kernel/bits]:
        // the same by stored width (a small layer's decoded sub-byte weights run the 8-bit kernel,
        // its key says 8); sparse[core][kernel/bits]: the bitmap layers.
        var samples: [String: [String: [Sample]]] = [:], stored = samples, sparse = samples
        for (i, job) in jobs.enumerated() {
            let measured = try results[i].get()
            for s in measured { samples[job.core.name, default: [:]][s.work.key, default: []].append(s) }
            for s in measured where s.sparse {
                sparse[job.core.name, default: [:]]["\(s.work.kernel.replacingOccurrences(of: "_sparse", with: ""))/\(s.bits)", default: []].append(s)
            }
            for s in measured where !s.sparse { stored[job.core.name, default: [:]]["\(s.work.kernel)/\(s.bits)", default: []].append(s) }
            if !fit || networks.prefix(4).contains(where: { $0.0 == job.network }) {
                let total = measured.reduce(0) { $0 + $1.instructions }, macs = measured.reduce(0) { $0 + $1.work.counts[0] }
                print(String(format: "%-16@ %2d-bit %-11@ %10.0f instructions  %8.0f MACs  %5.2f per MAC",
                             job.network as NSString, job.bits, job.core.name as NSString, total, macs, total / macs))
            }
        }
        if let samplesFile {
            var tsv = "core\tkey\tmacs\toutputs\tcolumns\telements\tcalls\tunpaired\tblocks\tvalid\ttail\tgathered\tchunks\tinstructions\n"
            for (core, byKey) in samples.sorted(by: { $0.key < $1.key }) {
                for (key, list) in byKey.sorted(by: { $0.key < $1.key }) {
                    for s in list { tsv += "\(core)\t\(key)\t" + s.work.counts.map { String($0) }.joined(separator: "\t") + "\t\(s.instructions)\n" }
                }
            }
            try tsv.write(toFile: samplesFile, atomically: true, encoding: .utf8)
        }
        print("\ninstructions per MAC (all ops of a kernel over the networks above by stored weight width, requantization and")
        print("im2col included; dense storage, then the layers stored as a bitmap of non-zeros, whose MACs are the non-zero ones)")
        let kernels = ["conv", "pointwise", "depthwise", "dense"]
        var header = "kernel            "
        for core in coreList { for b in widthSets { header += String(format: " %@ %d-bit", core.name.replacingOccurrences(of: "Cortex-", with: ""), b).padding(toLength: 11, withPad: " ", startingAt: 0) } }
        print(header)
        for (table, suffix) in [(stored, ""), (sparse, " (sparse)")] {
            for kernel in kernels {
                var line = (kernel + suffix).padding(toLength: 18, withPad: " ", startingAt: 0), any = false
                for core in coreList {
                    for b in widthSets {
                        let s = table[core.name]?["\(kernel)/\(b)"] ?? []
                        let macs = s.reduce(0) { $0 + $1.work.counts[0] }
                        any = any || macs > 0
                        line += (macs > 0 ? String(format: " %10.2f", s.reduce(0) { $0 + $1.instructions } / macs) : "          -")
                    }
                }
                if any || suffix.isEmpty { print(line) }
            }
        }
        if fit {
            print("\nfitted instruction models (weighted least squares on relative error), for NasCost's CoreProfile:")
            for core in coreList {
                print("// \(core.name)")
                for key in samples[core.name, default: [:]].keys.sorted() {
                    let c = Self.fitCoefficients(samples[core.name]![key]!)
                    print("\"\(key)\": [" + c.map { $0 == 0 ? "0" : String(format: "%.5g", $0) }.joined(separator: ", ") + "],")
                }
            }
        }
    }

    /// A network at one width with its inputs and the outputs IntegerNetwork gives them.
    struct Prepared {
        let writer: CModelWriter, graph: DeploymentGraph, bits: Int, inputs: [[Int8]], expected: [[Int8]], name: String
    }

    static func prepare(_ model: Model, bits: Int, inputs: Int) throws -> Prepared {
        var rng = SeededGenerator(seed: 11)
        let size = model.inputShape.reduce(1, *)
        let folded = try FoldedNetwork(model)
        let weighted = folded.graph.weightedOps.count
        let network = IntegerNetwork(folded, calibration: (0..<16).map { _ in (0..<size).map { _ in rng.uniform(-2, 2) } },
                                     bits: Array(repeating: try BitWidth(checking: bits), count: weighted))
        let batch = (0..<inputs).map { _ in network.quantizeInput((0..<size).map { _ in rng.uniform(-2, 2) }) }
        return Prepared(writer: CModelWriter(network), graph: folded.graph, bits: bits, inputs: batch,
                        expected: batch.map { network.run($0)[folded.graph.output] }, name: model.name)
    }

    /// Builds and runs a prepared network on `core`; throws unless the outputs are IntegerNetwork's.
    static func measure(_ job: Prepared, core: CortexMCore, in directory: String) throws -> [Sample] {
        let run = try EmbeddedHarness(core).run(job.writer, inputs: job.inputs, in: directory,
                                                cache: (directory as NSString).deletingLastPathComponent + "/shared")
        guard run.outputs == job.expected else {
            throw ValidationError("\(job.name) \(job.bits)-bit on \(core): outputs differ from IntegerNetwork")
        }
        return job.graph.ops.enumerated().map { i, op in
            let bits = op.weights > 0 ? job.bits : 8
            let storage = job.writer.weightStorage[i]
            // A sparse layer's work is its sparse kernel's: MACs are its non-zero weights x positions.
            let work = KernelWork(op, input: job.graph.tensors[op.inputs[0]], output: job.graph.tensors[op.output], bits: bits,
                                  dsp: core.dsp, storage: storage)
            return Sample(work: work, instructions: run.opInstructions[i], bits: bits, sparse: storage?.isSparse == true)
        }
    }

    /// The counts (indices into `KernelWork.counts`) each kernel's instructions are fitted on.
    static func features(_ kernel: String) -> [Int] {
        switch kernel {
        case "conv": [0, 1, 2, 5, 6, 8, 9, 4]
        case "depthwise": [0, 1, 7, 6, 4]
        case "pointwise": [0, 1, 2, 5, 6, 8, 4]
        case "dense": [0, 1, 6, 4]
        case "conv_sparse", "depthwise_sparse": [0, 1, 2, 10, 9, 4]
        case "pointwise_sparse", "dense_sparse": [0, 1, 10, 4]
        default: [3, 4]
        }
    }

    /// Non-negative least squares on relative error (rows weighted by 1 / measured): the best
    /// unconstrained fit over every subset of the kernel's counts whose coefficients are all
    /// non-negative (exact for these few counts; negative coefficients would predict negative
    /// time for small ops).
    static func fitCoefficients(_ samples: [Sample]) -> [Double] {
        let n = samples[0].work.counts.count
        let features = Self.features(samples[0].work.kernel)
        var best: (error: Double, used: [Int], x: [Double])?
        for mask in 1..<(1 << features.count) {
            let used = features.indices.filter { mask & (1 << $0) != 0 }.map { features[$0] }
            guard let x = solve(samples, used), x.allSatisfy({ $0 >= 0 }) else { continue }
            let error = samples.reduce(0.0) { sum, s in
                let p = zip(used, x).reduce(0.0) { $0 + s.work.counts[$1.0] * $1.1 }
                return sum + pow((p - s.instructions) / max(1, s.instructions), 2)
            }
            if best == nil || error < best!.error { best = (error, used, x) }
        }
        var coefficients = [Double](repeating: 0, count: n)
        if let best { for (j, c) in zip(best.used, best.x) { coefficients[j] = c } }
        return coefficients
    }

    /// Weighted least squares on the counts `used` (normal equations, columns scaled); nil when singular.
    static func solve(_ samples: [Sample], _ used: [Int]) -> [Double]? {
        let m = used.count
        let scale = used.map { j in max(1, samples.map { abs($0.work.counts[j]) }.max()!) }
        var a = [[Double]](repeating: [Double](repeating: 0, count: m), count: m), b = [Double](repeating: 0, count: m)
        for s in samples {
            let w = 1 / max(1, s.instructions)
            let x = used.indices.map { s.work.counts[used[$0]] / scale[$0] * w }
            for r in 0..<m {
                b[r] += x[r] * s.instructions * w
                for c in 0..<m { a[r][c] += x[r] * x[c] }
            }
        }
        // Rows are weighted by 1 / measured, so the entries are tiny: singular means tiny next to
        // the largest diagonal entry, not next to 1.
        let tiny = 1e-12 * (0..<m).map { a[$0][$0] }.max()!
        for col in 0..<m {
            let pivot = (col..<m).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            guard abs(a[col][col]) > tiny else { return nil }
            for r in (col + 1)..<m {
                let f = a[r][col] / a[col][col]
                for c in col..<m { a[r][c] -= f * a[col][c] }
                b[r] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: m)
        for r in stride(from: m - 1, through: 0, by: -1) {
            x[r] = (b[r] - ((r + 1)..<m).reduce(0) { $0 + a[r][$1] * x[$1] }) / a[r][r]
        }
        return used.indices.map { x[$0] / scale[$0] }
    }
}
