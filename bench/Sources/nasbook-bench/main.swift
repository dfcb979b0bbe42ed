import ArgumentParser
import CNasKernels
import Foundation
import NasCore
import NasCost
import NasData
import NasFiles
import NasNN
import NasOptimize
import NasSearch
import NasStudy

/// Benchmarks for the engine, each printing JSON lines that bench/compare.py joins with the
/// peer's numbers. Run through bench/train-bench, which also runs the PyTorch side.
@main
struct NasbookBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nasbook-bench",
        abstract: "nasbook engine benchmarks.",
        subcommands: [TrainBench.self, TrialBench.self, CostBench.self, HypervolumeBench.self, HypervolumeImprovementBench.self, ProposalBench.self, SearchBench.self, SobolDump.self, RefilterBench.self, ExportBench.self, MCUBench.self, CompressionPoints.self, ScoreBench.self, TFLMModels.self]
    )
}

struct RandomSamples: LabeledSamples {
    let sampleShape: [Int]
    let inputs: [Float]
    let labels: [Int32]

    init(shape: [Int], count: Int, classes: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        sampleShape = shape
        inputs = (0..<(count * shape.reduce(1, *))).map { _ in rng.uniform(-1, 1) }
        labels = (0..<count).map { _ in Int32(rng.nextInt(below: classes)) }
    }
}

struct TrainBench: ParsableCommand {
    /// User plus system CPU time of the process, so a busy machine can be told from a slow engine.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training throughput (forward, backward, SGD step) of a fixed network on fixed random data."
    )

    @Option(help: "resnet8, smallcnn or cnn1d.") var model = "resnet8"
    @Option(help: "Batch size.") var batch = 32
    @Option(help: "Seconds to measure after warm-up.") var seconds = 10.0
    @Option(help: "Worker threads.") var threads = 2
    @Option(help: "Warm-up steps (not measured).") var warmupSteps = 3
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() throws {
        Parallel.threads = threads
        var rng = SeededGenerator(seed: 7)
        let network: Model
        let shape: [Int]
        switch model {
        case "resnet8":
            shape = [32, 32, 3]
            network = try Architectures.resnet(input: shape, classes: 10, rng: &rng)
        case "smallcnn":
            shape = [32, 32, 3]
            network = try Architectures.plainCNN(input: shape, classes: 10, width: 16, depth: 3, batchNorm: false, seed: 7, rng: &rng)
        case "cnn1d":
            shape = [128, 3]
            network = try Architectures.plainCNN(input: shape, classes: 6, width: 16, depth: 3, kernel: 5, batchNorm: false,
                                                 seed: 7, rng: &rng)
        default:
            throw ValidationError("unknown model '\(model)': use resnet8, smallcnn or cnn1d")
        }
        let data = RandomSamples(shape: shape, count: batch * 16, classes: network.classes, seed: 11)
        var options = TrainingOptions()
        options.batchSize = batch
        options.epochs = 1
        options.schedule = .constant
        options.learningRate = 0.01
        // Warm-up: first-touch page faults and packing buffers.
        var warm = options
        warm.epochs = 1
        _ = Trainer.train(network, on: RandomSamples(shape: shape, count: batch * warmupSteps, classes: network.classes, seed: 3),
                          options: warm)
        var images = 0
        let cpuStart = Self.cpuSeconds()
        let start = Date()
        var epoch: UInt64 = 0
        while Date().timeIntervalSince(start) < seconds {
            epoch += 1
            options.seed = epoch
            let report = Trainer.train(network, on: data, options: options)
            images += report.epochs.count * (data.labels.count / batch) * batch
        }
        let elapsed = Date().timeIntervalSince(start)
        let cpu = Self.cpuSeconds() - cpuStart
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        let rate = Double(images) / elapsed
        if json {
            print(#"{"engine":"nasbook","model":"\#(model)","batch":\#(batch),"threads":\#(threads),"images_per_s":\#(String(format: "%.1f", rate)),"peak_rss_mb":\#(String(format: "%.1f", peakMB)),"images_per_cpu_s":\#(String(format: "%.1f", Double(images) / cpu)),"params":\#(network.parameterCount),"isa":"\#(String(cString: nas_kernels_isa()))"}"#)
        } else {
            print("\(model) batch \(batch), \(threads) threads, \(String(cString: nas_kernels_isa())): \(String(format: "%.0f", rate)) images/s (\(String(format: "%.0f", Double(images) / cpu)) per CPU-second), peak RSS \(String(format: "%.1f", peakMB)) MB, \(network.parameterCount) params")
        }
    }
}

struct CostBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Time to cost a deep model on a board: lowering, arena plan, flash/RAM/latency (target: under 1 ms at 50 layers)."
    )

    @Option(help: "Residual blocks per stack (3 stacks; 8 gives a 50+ layer ResNet).") var blocks = 8
    @Option(help: "Repetitions to time.") var repetitions = 200

    func run() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Architectures.resnet(input: [32, 32, 3], classes: 10, stacks: 3, blocks: blocks, rng: &rng)
        let layers = model.summary().count
        let board = TargetBoard(name: "NUCLEO-F746ZG", core: .cortexM7, clockHz: 216e6, ramBytes: 320 << 10, flashBytes: 1 << 20)
        var ops = 0
        let (median, p90) = try milliseconds(repetitions) {
            let graph = try DeploymentGraph(model)
            precondition(CostReport(graph, board: board).ramBytes > 0)
            ops = graph.ops.count
        }
        print(String(format: "cost of a %d-layer model (%d runtime ops): median %.3f ms, p90 %.3f ms over %d runs",
                     layers, ops, median, p90, repetitions))
    }
}

struct HypervolumeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypervolume",
        abstract: "Exact hypervolume of points on the DTLZ2 front (all mutually non-dominated), timed; --write saves them for the moocore peer."
    )

    @Option(help: "Number of points.") var points = 10_000
    @Option(help: "Objectives.") var objectives = 3
    @Option(help: "Repetitions to time.") var repetitions = 20
    @Option(help: "Write the points as text (one per line) to this file.") var write: String?
    @Option(help: "cpu: time with the process CPU clock (steadier on a shared machine); wall: the wall clock.") var clock = "wall"

    func run() throws {
        var rng = SeededGenerator(seed: 3)
        let set: [[Double]] = (0..<points).map { _ in
            let v = (0..<objectives).map { _ in abs(Double(rng.nextNormal())) + 1e-9 }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        if let write {
            try AtomicFile.write(Data(set.map { $0.map { String($0) }.joined(separator: " ") }.joined(separator: "\n").utf8), to: write)
        }
        let reference = [Double](repeating: 1.1, count: objectives)
        var volume = 0.0
        guard clock == "cpu" || clock == "wall" else { throw ValidationError("--clock is cpu or wall") }
        let time = clock == "cpu" ? cpuMilliseconds : milliseconds
        let (median, _) = try time(repetitions) { volume = Hypervolume.of(set, reference: reference) }
        print(String(format: "hypervolume of %d points in %dD: %.6f, median %.3f ms over %d runs", points, objectives, volume,
                     median, repetitions))
    }
}

/// Hypervolume improvement of a batch of candidates over one front, the way EHVI asks for it:
/// `HypervolumeImprovement` (the front's clipped volume per candidate, the front prepared once)
/// against recomputing `HV(front + y) - HV(front)` per candidate, on the same points.
struct HypervolumeImprovementBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypervolume-improvement",
        abstract: "Hypervolume improvement of candidates just inside the unit sphere over a front on it: HypervolumeImprovement vs recomputing the volume, timed (process CPU clock)."
    )

    @Option(help: "Front points (on the positive unit sphere).") var points = 100
    @Option(help: "Objectives.") var objectives = 4
    @Option(help: "Candidates (on the sphere of radius 0.98, so most improve the front).") var candidates = 1000

    func run() {
        var rng = SeededGenerator(seed: 4)
        let sphere = { (n: Int, radius: Double) -> [[Double]] in
            (0..<n).map { _ in
                let v = (0..<objectives).map { _ in abs(Double(rng.nextNormal())) + 1e-9 }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return v.map { radius * $0 / norm }
            }
        }
        let front = sphere(points, 1), ys = sphere(candidates, 0.98)
        let reference = [Double](repeating: 1.1, count: objectives)
        var fast: [Double] = [], slow: [Double] = []
        let (batch, _) = cpuMilliseconds(3) { fast = HypervolumeImprovement(front: front, reference: reference)(batch: ys) }
        let (recompute, _) = cpuMilliseconds(1) {
            let base = Hypervolume.of(front, reference: reference)
            slow = ys.map { Hypervolume.of(front + [$0], reference: reference) - base }
        }
        let difference = zip(fast, slow).map { abs($0 - $1) }.max() ?? 0
        print(String(format: "hypervolume improvement of %d candidates over %d points in %dD: HypervolumeImprovement %.3f ms, HV(front + y) - HV(front) %.3f ms (%.1fx), largest difference %.2g",
                     candidates, points, objectives, batch, recompute, recompute / max(batch, 1e-9), difference))
    }
}

/// Prints the compression problem at random points, for bench/search/problems.py to check its twin.
struct CompressionPoints: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compression-points",
                                                    abstract: "Print the compression problem's objectives and feasibility at random points.")
    @Option var points = 20
    func run() {
        var rng = SeededGenerator(seed: 11)
        for index in 0..<points {
            let problem = CompressionProblem(layers: [4, 10, 16][index % 3], seed: UInt64(1 + index % 2))
            let x = (0..<problem.dimensions).map { _ in rng.nextDouble() }
            let text = { (v: [Double]) in v.map { String($0) }.joined(separator: " ") }
            print("\(problem.layers) \(problem.seed)|\(text(x))|\(text(problem.evaluate(x)))|\(problem.feasible(x) ? 1 : 0)")
        }
    }
}

/// Prints Sobol points, for checking against another implementation.
struct SobolDump: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sobol", abstract: "Print unscrambled Sobol points.")
    @Option var points = 64
    @Option var dimensions = 21
    func run() {
        var s = Sobol(dimensions: dimensions)
        for _ in 0..<points { print(s.next().map { String($0) }.joined(separator: " ")) }
    }
}

/// Median and 90th-percentile wall time of `body`, in milliseconds.
func milliseconds(_ repetitions: Int, _ body: () throws -> Void) rethrows -> (median: Double, p90: Double) {
    var times: [Double] = []
    for _ in 0..<max(1, repetitions) {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    return (times[times.count / 2], times[times.count * 9 / 10])
}

/// Like `milliseconds`, on the process CPU clock: what the body costs, not how long it waited for
/// a core on a busy machine (single-threaded bodies only).
func cpuMilliseconds(_ repetitions: Int, _ body: () throws -> Void) rethrows -> (median: Double, p90: Double) {
    func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }
    var times: [Double] = []
    for _ in 0..<max(1, repetitions) {
        let start = now()
        try body()
        times.append(now() - start)
    }
    times.sort()
    return (times[times.count / 2], times[times.count * 9 / 10])
}

struct ProposalBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proposal",
        abstract: "Time for one proposal of each model-based strategy after N observations of DTLZ2 (default 100 observations, 20 inputs, 3 objectives)."
    )

    @Option var observations = 100
    @Option var dimensions = 20
    @Option var objectives = 3
    @Option var repetitions = 3
    @Option(help: "ars_mobo settings, as search's --ars-settings (then only ars_mobo is timed).") var arsSettings: String?

    func run() throws {
        let problem = TestProblem.dtlz2(dimensions: dimensions, objectives: objectives)
        var random = RandomSearch(seed: 1)
        let history = ProblemStudy.run(problem, strategy: &random, trials: observations).observations
        let strategies: [any Strategy] = arsSettings != nil ? [ARSMOBO(seed: 2, settings: try parseARSSettings(arsSettings))]
            : [ARSMOBO(seed: 2), LayerwiseARSMOBO(seed: 2), TuRBO(seed: 2), MORBO(seed: 2),
               ExpectedHypervolumeSearch(seed: 2), ParEGO(seed: 2), NSGA2(seed: 2)]
        for prototype in strategies {
            let (median, _) = milliseconds(repetitions) {
                var strategy = prototype
                _ = strategy.propose(after: history, in: problem.domain)
            }
            print(String(format: "%@: %.1f ms per proposal at %d observations, %d inputs, %d objectives",
                         prototype.name, median, observations, dimensions, objectives))
        }
    }
}

/// `--ars-settings name=value,...` of `search` and `proposal`.
func parseARSSettings(_ text: String?) throws -> ARSMOBO.Settings {
    var ars = ARSMOBO.Settings()
    for pair in (text ?? "").split(separator: ",") {
        let parts = pair.split(separator: "=").map(String.init)
        guard parts.count == 2 else { throw ValidationError("ars-settings: expected name=value, got \(pair)") }
        // Words first (reward=hvi, weights=policy), then numbers.
        switch (parts[0], parts[1]) {
        case ("reward", "hvi"): ars.score = .hypervolume; continue
        case ("reward", "ei"): ars.score = .scalarized; continue
        case ("weights", "policy"): ars.weights = .policy; continue
        case ("weights", "proposal"): ars.weights = .proposal; continue
        default: break
        }
        guard let value = Double(parts[1]) else { throw ValidationError("ars-settings: expected name=value, got \(pair)") }
        switch parts[0] {
        case "policies": ars.policies = Int(value)
        case "iterations": ars.iterations = Int(value)
        case "directions": ars.directions = Int(value)
        case "top": ars.top = Int(value)
        case "alpha": ars.stepSize = value
        case "nu": ars.noise = value
        case "horizon": ars.horizon = Int(value)
        case "move": ars.moveLength = value
        case "samples": ars.samples = Int(value)
        case "best": ars.reward = value == 1 ? .best : .sum
        case "incumbent": ars.start = value == 1 ? .incumbent : .centre
        case "utopia": ars.utopia = value
        case "log": ars.logReward = value == 1
        case "persist": ars.persistent = value == 1
        case "cluster": ars.trainOnCluster = value == 1
        case "design": ars.design = value
        case "pick": ars.choice = value == 2 ? .observedHypervolume : value == 1 ? .hypervolume : .scalarized
        default: throw ValidationError("ars-settings: unknown setting \(parts[0])")
        }
    }
    return ars
}

struct SearchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Final hypervolume of every strategy on a test problem, mean and standard deviation over seeds."
    )

    @Option(help: "zdt1, dtlz2 or compression.") var problem = "zdt1"
    @Option var dimensions = 10
    @Option var objectives = 3
    @Option(help: "Layers of the compression problem (2 layers + 2 inputs).") var layers = 10
    @Option var trials = 60
    @Option var seeds = 10
    @Option(help: "The first seed (seeds run: this, this + 1, ... for --seeds seeds).") var firstSeed = 0
    @Option(help: "Comma-separated strategies to run (default: all).") var strategies: String?
    @Option(help: "Points proposed at once (synchronous batches, as a parallel search with this many workers).") var batch = 1
    @Option(help: "How a batch is chosen: strategy (its own proposeBatch: the Kriging believer for GP strategies) or cl (the constant liar, CL-max).")
    var batchRule = ProblemStudy.BatchRule.strategy
    @Option(help: "ars_mobo settings to try, e.g. policies=4,iterations=8,directions=8,top=4,alpha=0.2,nu=0.3,horizon=8,move=0.1,samples=32,best=0,incumbent=0,utopia=0.25,log=0 (best=1: a rollout earns its best point's acquisition; incumbent=1: policies start at their cluster's best front point under the scalarization, not its centre; utopia: the Chebyshev ideal point's margin below the observed best; log=1: rewards are the log of a smoothed MC EI; persist=1: policies keep Θ between proposals; cluster=1: ARS trains each policy from its cluster's front points too; design: the Sobol design's size as a multiple of the domain's; pick=1: the evaluated point is the policy proposal of highest noisy EHVI, not of highest scalarized EI; pick=2: of highest EHVI over the observed front; reward=hvi: rollout points score the MC hypervolume improvement of the posterior over the observed feasible front, not the scalarized EI; weights=policy: each policy draws its own Chebyshev weights, policies compared by EI / g*).")
    var arsSettings: String?

    /// The limits the language's problem builtins declare, so no option reaches a precondition.
    func validate() throws {
        guard (2...ProblemStudy.maxObjectives).contains(objectives) else {
            throw ValidationError("--objectives must be from 2 to \(ProblemStudy.maxObjectives)")
        }
        guard (1...1000).contains(dimensions), problem != "dtlz2" || dimensions >= objectives else {
            throw ValidationError("--dimensions must be from 1 to 1000 (dtlz2: at least --objectives)")
        }
        guard (2...100).contains(layers), trials >= 1, seeds >= 1, batch >= 1 else {
            throw ValidationError("--layers must be from 2 to 100, --trials, --seeds and --batch at least 1")
        }
    }

    func run() throws {
        let p: TestProblem
        switch problem {
        case "zdt1": p = .zdt1(dimensions: dimensions)
        case "dtlz2": p = .dtlz2(dimensions: dimensions, objectives: objectives)
        case "compression": p = .compression(CompressionProblem(layers: layers))
        default: throw ValidationError("unknown problem \(problem): use zdt1, dtlz2 or compression")
        }
        let ars = try parseARSSettings(arsSettings)
        let makers: [(String, (UInt64) -> any Strategy)] = [
            ("random", { RandomSearch(seed: $0) }), ("sobol", { SobolSearch(seed: $0) }), ("nsga2", { NSGA2(seed: $0) }),
            ("parego", { ParEGO(seed: $0) }), ("mobo", { ExpectedHypervolumeSearch(seed: $0) }),
            ("nehvi", { ExpectedHypervolumeSearch(seed: $0, noisy: true) }), ("turbo", { TuRBO(seed: $0) }), ("morbo", { MORBO(seed: $0) }),
            ("ars_mobo", { [ars] in ARSMOBO(seed: $0, settings: ars) }), ("ars_layers", { LayerwiseARSMOBO(seed: $0) }),
        ]
        let chosen = strategies.map { Set($0.split(separator: ",").map(String.init)) }
        if let chosen, let unknown = chosen.first(where: { name in !makers.contains { $0.0 == name } }) {
            throw ValidationError("unknown strategy \(unknown): use \(makers.map(\.0).joined(separator: ", "))")
        }
        for (name, make) in makers where chosen?.contains(name) ?? true {
            var volumes: [Double] = []
            let start = Date()
            for seed in firstSeed..<(firstSeed + seeds) {
                var strategy = make(UInt64(seed))
                let study = batch == 1 && batchRule == .strategy ? ProblemStudy.run(p, strategy: &strategy, trials: trials)
                    : ProblemStudy.run(p, strategy: &strategy, trials: trials, batch: batch, rule: batchRule)
                volumes.append(study.hypervolume)
            }
            let mean = volumes.reduce(0, +) / Double(volumes.count)
            let sd = (volumes.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(volumes.count)).squareRoot()
            var label = name == "ars_mobo" && arsSettings != nil ? "ars_mobo[\(arsSettings!)]" : name
            if batch > 1 || batchRule != .strategy { label += " batch \(batch) \(batchRule.rawValue)" }
            print(String(format: "nasbook-%@: hypervolume %.4f +- %.4f, %.1f s per search (%@, %d trials, %d seeds)", label, mean, sd,
                         Date().timeIntervalSince(start) / Double(seeds), p.name, trials, seeds))
        }
    }
}

/// The budget re-filter behind `budget.ram = 64 KB`: how long the feasible Pareto front of a
/// stored study takes to recompute, from the SQLite file and from trials already in memory.
struct RefilterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refilter",
        abstract: "Re-filter the feasible Pareto front of N stored trials under a new budget (target: 1,000 trials under 50 ms)."
    )

    @Option(help: "Stored trials.") var trials = 1000
    @Option(help: "Repetitions to time.") var repetitions = 50
    @Option(help: "Database file to write (default: a new temporary file, removed afterwards).") var db: String?

    func run() throws {
        let path = db ?? FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-refilter-\(getpid()).db").path
        defer { if db == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } } }
        let store = try StudyStore(path: path)
        let objectives = [Objective(Metric.accuracy, .maximize), Objective(Metric.ram, .minimize), Objective(Metric.latency, .minimize)]
        let study = try store.createStudy(StudyRecord(
            name: "refilter-\(UUID().uuidString)", strategy: "ars_mobo", seed: 1, searchSpace: "bench", objectives: objectives,
            budget: [Constraint(Metric.ram, .lessOrEqual, 256 * 1024)], plannedTrials: trials))
        var rng = SeededGenerator(seed: 5)
        let writeStart = Date()
        for _ in 0..<trials {
            let x = (0..<20).map { _ in rng.nextDouble() }
            let layers = 2 + rng.nextInt(below: 6)
            var trial = try store.startTrial(in: study, x: x, parameters: [
                "depth": .number(Double(layers)), "activation": .string(rng.nextInt(below: 2) == 0 ? "relu" : "relu6"),
                "widths": .list((0..<layers).map { _ in .number(Double(8 << rng.nextInt(below: 4))) }),
                "kernels": .list((0..<layers).map { _ in .number(Double(1 + 2 * rng.nextInt(below: 3))) }),
                "batch_norm": .bool(true), "learning_rate": .number(1e-3 + 0.1 * rng.nextDouble()),
            ], seed: rng.next())
            let ram = Double(8 * 1024 + rng.nextInt(below: 256 * 1024))
            let accuracy = min(0.99, 0.5 + 0.45 * ram / (264 * 1024) + 0.05 * rng.nextDouble())
            trial.complete(metrics: [
                Metric.accuracy: accuracy, Metric.loss: 1 - accuracy, Metric.ram: ram, Metric.flash: ram * 4,
                Metric.macs: ram * 30, Metric.params: ram / 2, Metric.latency: ram / 2e6 * (0.5 + rng.nextDouble()),
                Metric.floatAccuracy: accuracy + 0.01,
            ])
            try store.finish(trial, epochs: (1...5).map { EpochRecord(epoch: $0, trainLoss: 2 / Double($0), trainAccuracy: accuracy, validationLoss: nil, validationAccuracy: nil, seconds: 1) })
        }
        let writeSeconds = Date().timeIntervalSince(writeStart)
        let budget = [Constraint(Metric.ram, .lessOrEqual, 64 * 1024)]
        var front: [TrialRecord] = []
        // CPU time too: on a shared machine the wall-clock median mostly measures the neighbours.
        func timed(_ body: () throws -> Void) rethrows -> (median: Double, p90: Double, cpu: Double) {
            let cpuStart = TrainBench.cpuSeconds()
            let (median, p90) = try milliseconds(repetitions, body)
            return (median, p90, (TrainBench.cpuSeconds() - cpuStart) * 1000 / Double(repetitions))
        }
        let disk = try timed { front = try store.feasibleFront(of: study, within: budget) }
        let whole = try timed { _ = try store.trials(of: study) }
        let cached = try store.trials(of: study)
        let memory = timed { front = cached.feasibleFront(within: budget, objectives: study.objectives) }
        print(String(format: "refilter %d stored trials to ram <= 64 KB (%d on the feasible front), medians over %d runs (mean CPU): "
                     + "from SQLite %.2f ms (%.2f), p90 %.2f; from memory %.3f ms (%.3f); reading every trial whole %.2f ms (%.2f); "
                     + "writing them, one commit each, took %.1f ms per trial",
                     trials, front.count, repetitions, disk.median, disk.cpu, disk.p90, memory.median, memory.cpu, whole.median, whole.cpu,
                     writeSeconds * 1000 / Double(trials)))
    }
}

extension ProblemStudy.BatchRule: ExpressibleByArgument {}
