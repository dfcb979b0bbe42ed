import Foundation
import NasCore
import NasCost
import NasData
import NasLang
import NasNN
import NasOptimize
import NasSearch
import NasStudy
import NasTrial

/// The network studies of one interpreter session, so a budget change can re-filter every
/// study that was searched under that budget and print what now fits.
final class SearchSession {
    private(set) var studies: [NetworkStudy] = []
    /// Searches run so far per space name: `replay --cached` pairs the k-th with the k-th stored study.
    private var searches: [String: Int] = [:]

    /// `search(space, data, target, ...)`.
    func search(_ space: SearchSpace, _ call: BuiltinCall) throws -> Value {
        let data = try call[SearchBuiltins.data]
        let board = try CostBuiltins.target(call)
        let trials = try call[SearchBuiltins.trials]
        let seed = try call[SearchBuiltins.seed]
        let fraction = try call[SearchBuiltins.validation]
        guard fraction > 0, fraction < 1 else { throw call.error("search: validation must be a fraction in (0, 1)", at: "validation") }
        let trialData = try Self.trialData(data, fraction: fraction, seed: seed, call: call)
        let objectives = try self.objectives(call)
        let budget = try self.budget(call)
        // Without one, feature vectors get the MLP, sequences the 1-D CNN, images the CNN.
        let base = try call[SearchBuiltins.model]
            ?? ModelSpec(family: data.sampleShape.count == 1 ? .mlp : data.sampleShape.count == 2 ? .cnn1d : .cnn)
        let decoder = try SpaceDecoder.checked(space: space, base: base, input: data.sampleShape, classes: data.classCount, span: call.span(of: "space"))
        guard !decoder.dimensions.isEmpty else {
            throw call.error("search: space '\(space.name)' fixes every parameter; there is nothing to search", at: "space",
                             hint: "vary something: width in [8, 16, 32]")
        }
        let runner = TrialRunner(board: board)
        let oracle = CostOracle(decoder: decoder, runner: runner, input: data.sampleShape, classes: data.classCount)
        guard let largest = oracle.largestCosts(seed: seed) else {
            throw call.error("search: no network of space '\(space.name)' can be built for \(describe(shape: data.sampleShape)) input", at: "space")
        }
        let reference = NetworkSearch.reference(for: objectives, budget: budget, board: board, largest: largest, classes: data.classCount)
        var strategy = try SearchBuiltins.strategy(named: try call[SearchBuiltins.strategy], call, seed: seed, dimensions: decoder.dimensions.count)
        let domain = Self.domain(decoder: decoder, oracle: oracle, board: board, budget: budget, objectives: objectives,
                                 reference: reference, trials: trials)
        let settings = call.context.studySettings
        let occurrence = searches[space.name, default: 0]
        searches[space.name] = occurrence + 1
        let description = Study.Description(
            name: space.name, searchSpace: Self.spaceText(space), strategy: strategy.name, seed: seed, objectives: objectives,
            budget: budget?.constraints ?? [], trials: trials,
            fingerprint: Self.fingerprint(data: data, validation: fraction, board: board, model: base, objectives: objectives),
            script: call.span.file.text)
        if let assignment = settings.worker {
            return try work(assignment, description: description, decoder: decoder, runner: runner, data: trialData, call: call)
        }
        let parallel = try parallelOptions(call)
        let measuredOutside = parallel.workers == 0
        // The trials' one home: `storage:` (a SQLite path or a postgresql:// URL), else the
        // study database of --db, else memory (or a temporary file the workers share).
        let start: Study.SearchStart = settings.cached ? .cached(occurrence: occurrence) : settings.resume ? .resume : .new
        let home = try call.reporting {
            try Study.forSearch(description, at: try Self.storageLocation(call) ?? settings.databasePath, start: start, parallel: parallel,
                                argument: try call[SearchBuiltins.storage] == nil ? "space" : "storage")
        }
        // A cached replay reports the stored trials exactly as they ran, whatever nasbook
        // replays them, so only a refusal matters there.
        if !settings.cached { for warning in home.warnings { call.context.write(warning + "\n") } }
        let (store, location) = (home.study, home.location)
        let study = NetworkStudy(space: space.name, model: base, board: board, objectives: objectives, budget: budget,
                                 strategy: strategy.name, seed: seed, reference: reference,
                                 normalization: trialData.normalization, calibration: trialData.calibration, store: store,
                                 decoder: decoder, oracle: oracle)
        studies.append(study)
        study.continuation = .init(runner: runner, data: trialData, domain: domain, trials: trials)
        study.parallel = parallel
        study.storageLocation = location
        let network = NetworkSearch(decoder: decoder, oracle: oracle, runner: runner, data: trialData, study: study)
        if measuredOutside {
            // ask/tell: nasbook trains nothing; the stored trials (a resumed study's) are the study.
            _ = try store.resume()
            try study.reload()
            call.context.write("study \(store.record.name): \(study.trials.count) of \(trials) trials recorded; ask(s) proposes the next, tell(s, t, ...) records it\n")
        } else if parallel.isParallel, !settings.cached {
            try parallelSearch(network, parallel, location: location ?? store.storage.location, call)
                .run(trials: trials, strategy: &strategy, domain: domain, call: call)
        } else {
            try network.run(trials: trials, strategy: &strategy, domain: domain, echoReplay: settings.cached, call: call)
        }
        return .native(NetworkStudyValue(study: study))
    }

    /// The `storage:` argument: a PostgreSQL URL as it is, a SQLite path relative to the calling
    /// file and checked against the trust boundary; nil when not given.
    static func storageLocation(_ call: BuiltinCall) throws -> String? {
        guard let location = try call[SearchBuiltins.storage] else { return nil }
        guard !location.isEmpty else {
            throw call.error("search: 'storage' is empty", at: "storage", hint: #"storage: "kws.db" or storage: "postgresql://user@host/db""#)
        }
        return StudyStorageLocation.isServer(location) ? location : try call.writablePath("storage")
    }

    /// The proposer over `network`'s study, starting its worker processes on the study's
    /// storage at `location` (as opened, password included: the storage's own `location` is
    /// redacted for messages).
    func parallelSearch(_ network: NetworkSearch, _ options: ParallelOptions, location: String, _ call: BuiltinCall) -> ParallelSearch {
        // The workers reach what this program may reach: its folder and the folders granted to it.
        let access = call.context.fileAccess
        let allow = (access.home.map { [$0] } ?? []) + (access.grants ?? []).filter { $0.writable && !$0.isFile }.map(\.path)
        return ParallelSearch(search: network, options: options) { study in
            guard options.spawn else {
                call.context.write("waiting for workers: nasbook worker \(StudyStorageLocation.redacted(location)) --study '\(study.name)'\n")
                return WorkerPool.external()
            }
            return try WorkerPool.launch(count: options.workers, study: study.name, location: location, threads: options.threads, allowPaths: allow)
        }
    }

    /// `workers:`, `batch:`, `mode:` and `lease:` of `search`.
    func parallelOptions(_ call: BuiltinCall) throws -> ParallelOptions {
        // The declared types bound each value (SearchBuiltins); only what they cannot say is here.
        let workers = try call[SearchBuiltins.workers]
        let batch = try call[SearchBuiltins.batch] ?? max(1, workers)
        let mode = try call[SearchBuiltins.mode]
        let lease = try call[SearchBuiltins.lease]
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var options = ParallelOptions(workers: workers, batch: batch, mode: mode, lease: lease, threads: max(1, cores / max(1, workers)))
        options.spawn = try call[SearchBuiltins.spawn]
        if !options.spawn, call.context.studySettings.databasePath == nil, try call[SearchBuiltins.storage] == nil {
            throw call.error("search: workers started elsewhere need a study database they can open: run with --db", at: "spawn")
        }
        return options
    }

    /// `nasbook worker`: this search is the stored study's (or not, then it is skipped and
    /// returns none); take its planned trials until the proposer finishes it, then end the
    /// program (what follows the search in the script is the proposer's).
    func work(_ assignment: WorkerAssignment, description: Study.Description, decoder: SpaceDecoder, runner: TrialRunner,
              data: TrialData, call: BuiltinCall) throws -> Value {
        guard let location = call.context.studySettings.databasePath else { throw call.error("search: a worker needs the study's location") }
        let study: Study
        do {
            guard let joined = try Study.join(try StudyStorageLocation.open(location, as: .worker), named: assignment.study, description) else {
                return Value.none
            }
            study = joined
        } catch {
            throw call.error("worker: \(error)", at: "space")
        }
        let worker = StudyWorker(study: study, decoder: decoder, runner: runner, data: data, assignment: assignment)
        let summary: StudyWorker.Summary
        do {
            summary = try worker.run(log: { call.context.write($0) },
                                     shouldStop: { [context = call.context, span = call.span] in (try? context.checkInterrupt(at: span)) == nil })
        } catch let unreachable as StudyWorker.Unreachable {
            throw call.error("worker \(assignment.id): \(unreachable)", at: "space")
        }
        throw ProgramFinished("worker \(assignment.id): \(summary.finished) trial\(summary.finished == 1 ? "" : "s") of study '\(assignment.study)' finished"
                              + (summary.lost > 0 ? ", \(summary.lost) lost their lease and ran elsewhere" : "")
                              + (summary.released.isEmpty ? "" : "; stopped, and gave back trial \(summary.released.map(String.init).joined(separator: ", ")) (planned again at once)"))
    }

    /// The study's split, refused with a diagnostic when either part is empty: every trial
    /// trains on the first part, calibrates int8 ranges on it and is scored on the second, so
    /// `validation: 0.999` of 100 samples or `take(data, 3)` must stop here, not in a trial.
    static func trialData(_ data: Dataset, fraction: Double, seed: UInt64, call: BuiltinCall) throws -> TrialData {
        let trialData = TrialData(data, validationFraction: fraction, seed: seed)
        let train = trialData.train.count, held = trialData.validation.count
        guard train >= 1, held >= 1 else {
            throw call.error("search: holding out \(NumberFormat.plain(fraction * 100))% of \(data.count) samples (stratified per class) "
                             + "leaves \(train) to train on and \(held) to score on; each part needs at least one",
                             at: train == 0 ? "validation" : "data",
                             hint: train == 0 ? "lower validation: (e.g. 0.2) or use more samples"
                                              : "use more samples per class, or a larger validation: fraction")
        }
        return trialData
    }

    /// `resume(s, trials:)`: continues a study (after Ctrl-C, or to run more trials), replaying
    /// its trials through a fresh strategy so the proposals go on as if it had never stopped.
    /// A parallel study continues with its workers.
    func resume(_ study: NetworkStudy, trials: Int?, call: BuiltinCall) throws -> Value {
        guard let c = study.continuation else { throw call.error("resume: this study cannot be continued") }
        let total = trials ?? c.trials
        var strategy = try SearchBuiltins.strategy(named: study.strategy, call, seed: study.seed, dimensions: study.decoder.dimensions.count)
        let network = NetworkSearch(decoder: study.decoder, oracle: study.oracle, runner: c.runner, data: c.data, study: study)
        if let parallel = study.parallel, parallel.isParallel {
            try parallelSearch(network, parallel, location: study.storageLocation ?? study.store.storage.location, call)
                .run(trials: total, strategy: &strategy, domain: c.domain, call: call)
        } else {
            try network.run(trials: total, strategy: &strategy, domain: c.domain, call: call)
        }
        return .native(NetworkStudyValue(study: study))
    }

    /// What a study's trials depend on beyond the space, strategy and seed, as the store keeps
    /// it: the data's content (not only its name), the board, the base model, the objectives,
    /// and the nasbook that measured them.
    static func fingerprint(data: Dataset, validation: Double, board: TargetBoard, model: ModelSpec,
                            objectives: [Objective]) -> [String: String] {
        [
            "dataset": "\(data.name) (\(data.count) samples of \(describe(shape: data.sampleShape)), content \(String(data.contentHash, radix: 16)), validation \(NumberFormat.plain(validation)))",
            "board": "\(board.name) (\(board.core.name), \(NumberFormat.plain(board.clockHz / 1e6)) MHz, \(board.ramBytes) B RAM, \(board.flashBytes) B flash)",
            "model": model.summary,
            "objectives": objectives.map(\.description).joined(separator: ", "),
            "nasbook": NasbookVersion.current,
        ]
    }

    /// The space as text: a resumed study must search the same space its points map into.
    static func spaceText(_ space: SearchSpace) -> String {
        space.parameters.map { "\($0.name) \($0.domainDescription)" + ($0.perLayer ? " per layer" : "") }.joined(separator: "; ")
    }

    /// What the strategies see: per-layer descriptors, the budget as a known constraint and the
    /// cost objectives exactly, all from the cost model; a Sobol design of a third of the trials
    /// (at least 3, at most the customary 2 (d + 1)) before models are fitted.
    static func domain(decoder: SpaceDecoder, oracle: CostOracle, board: TargetBoard, budget: Budget?, objectives: [Objective],
                       reference: [Double], trials: Int) -> SearchDomain {
        let d = decoder.dimensions.count
        return SearchDomain(
            dimensions: d, descriptors: decoder.descriptors,
            isFeasible: { x in
                guard let report = oracle.cost(at: x) else { return false }
                return NetworkStudy.limits(board: board, budget: budget).admit(MetricValues(cost: report))
            },
            analyticObjectives: { x in
                guard let report = oracle.cost(at: x) else { return objectives.map { _ in nil } }
                let scaled = NetworkStudy.minimized(MetricValues(cost: report), objectives: objectives, reference: reference)
                return zip(objectives, scaled).map { o, v in o.metric == .accuracy || o.metric == .loss ? nil : v }
            },
            initialDesign: max(3, min(2 * (d + 1), trials / 3)),
            reference: NetworkStudy.referencePoint(objectives, reference))
    }

    /// The `objectives:` argument, else the declared `objectives` block, else accuracy, RAM and
    /// flash.
    func objectives(_ call: BuiltinCall) throws -> [Objective] {
        guard let set = try call[SearchBuiltins.objectives] else {
            return call.context.declaredObjectives?.objectives
                ?? [Objective(.accuracy, .maximize), Objective(.ram, .minimize), Objective(.flash, .minimize)]
        }
        guard !set.objectives.isEmpty else { throw call.error("search: the objectives are empty", at: "objectives") }
        return set.objectives
    }

    /// The `budget:` argument, else the declared `budget` block, else none (the board's limits only).
    func budget(_ call: BuiltinCall) throws -> Budget? {
        try call[SearchBuiltins.budget] ?? call.context.declaredBudget
    }

    /// Re-filters the studies searched under `budget`'s name and prints their fronts.
    func budgetChanged(_ budget: Budget, context: any CallContext) {
        for study in studies where study.budget?.name == budget.name {
            study.budget = budget
            // The database keeps the latest budget with the study; a failed write loses nothing.
            try? study.store.updateBudget(budget.constraints)
            guard !study.trials.isEmpty else { continue }
            context.write("\(budget.name == "budget" ? "budget" : "budget " + budget.name) is now \(study.budgetDescription): re-filtered \(study.trials.count) stored trials of space \(study.space)\n")
            context.write(study.frontTable())
        }
    }
}

/// A network study as the language sees it: `s.pareto`, `s.trials`, `s.best(by: accuracy)`,
/// `s.hypervolume`, `s.history`; `show s` prints the summary and the front.
struct NetworkStudyValue: NativeValue {
    let study: NetworkStudy

    var typeName: String { "study" }
    var memberNames: [String] { ["pareto", "trials", "best", "evaluate", "hypervolume", "history", "strategy", "seed", "space", "board", "budget", "objectives"] }

    func member(_ name: String) -> Value? {
        switch name {
        case "pareto": return .list(study.front.map { record(study.trials[$0]) })
        case "trials": return .list(study.trials.map(record))
        case "hypervolume": return .number(study.hypervolume)
        case "history": return .list(study.history.map { .number($0) })
        case "strategy": return .string(study.strategy)
        case "seed": return .number(Double(study.seed))
        case "space": return .string(study.space)
        case "board": return .string(study.board.name)
        case "budget": return study.budget.map { .budget($0) } ?? Value.none
        case "objectives": return .objectives(ObjectiveSet(name: "objectives", objectives: study.objectives))
        case "best":
            let study = self.study
            return .function(.builtin(Builtin("best", declaring: [Self.by],
                                              doc: "The feasible trial best at a metric, with its trained network as `model`.") { call in
                let metric = try call[Self.by]
                guard let trial = study.best(by: metric) else {
                    throw call.error("best: no trial of this study fits \(study.budgetDescription)")
                }
                return NetworkStudyValue(study: study).record(study.withNetwork(trial, output: CallSearchOutput(call)))
            }))
        case "evaluate":
            let study = self.study
            return .function(.builtin(Builtin("evaluate", declaring: [Self.testData, Self.chosenTrials],
                                              doc: "Scores trials on a separate test split, in int8 as on the board: s.evaluate(test_data) takes the Pareto front (or trials: a list of trial records or numbers), retrains stored trials from their seeds, and returns a table of validation vs test accuracy (`.trials` as records, `.test_accuracy` the mean).") { call in
                let test = try call[Self.testData]
                let chosen = try Self.trials(of: study, call)
                guard !chosen.isEmpty else { throw call.error("evaluate: no trial to score: no trial of this study fits \(study.budgetDescription)") }
                let evaluation = try call.reporting { try StudyEvaluation.run(study, trials: chosen, on: test, output: CallSearchOutput(call)) }
                return .native(EvaluationValue(study: study, evaluation: evaluation))
            }))
        default: return nil
        }
    }

    /// `s.best(by:)`: one of the metrics a script may name.
    static let by = TypedParameter<Metric>("by", .choice(Metric.searchable.map(\.name)), default: .string("accuracy")) { call, name in
        let given = try call.string(name)
        guard let metric = Metric.searchable(named: given) else {
            throw call.error("best: unknown metric '\(given)'", at: name, hint: Suggestions.hint(for: given, in: Metric.searchable.map(\.name)))
        }
        return metric
    }
    /// `s.evaluate(data, trials:)`: the test split, and which trials (none: the front).
    static let testData = TypedParameter<Dataset>(dataset: "data")
    static let chosenTrials = TypedParameter<Value>(value: "trials", .either([SearchBuiltins.trialReference, .list(SearchBuiltins.trialReference)]),
                                                    default: Value.none)

    /// The `trials:` argument of `evaluate`: the current front by default, else trial records
    /// (as `s.pareto` or `s.trials` give them) or trial numbers, each a completed trial.
    static func trials(of study: NetworkStudy, _ call: BuiltinCall) throws -> [NetworkTrial] {
        let given = try call[chosenTrials]
        if case .none = given { return study.front.map { study.trials[$0] } }
        let items: [Value]
        if case .list(let list) = given { items = list } else { items = [given] }
        return try items.map { item in
            let number: Double?
            switch item {
            case .number(let q): number = q.value
            case .record(let r): if case .number(let q)? = r["trial"] { number = q.value } else { number = nil }
            default: number = nil
            }
            guard let number, let t = study.trials.first(where: { Double($0.number) == number }) else {
                throw call.error("evaluate: 'trials' must list trial records or numbers of this study", at: "trials")
            }
            guard t.outcome.status == .complete else {
                throw call.error("evaluate: trial \(t.number) did not complete (\(t.outcome.status.rawValue)); only trained trials can be scored", at: "trials")
            }
            return t
        }
    }

    /// A trial as a record: number, status, metrics with units, whether it fits now, settings,
    /// and for trained trials the compressed network (`model`) for quantize, cost and export.
    func record(_ t: NetworkTrial) -> Value {
        var fields: [(String, Value)] = [("trial", .number(Double(t.number))), ("status", .string(t.outcome.status.rawValue))]
        if let m = t.outcome.metrics {
            for metric in [Metric.accuracy, .loss, .ram, .flash, .macs, .params, .latency] {
                if let v = m.quantity(metric) { fields.append((metric.rawValue, .number(v))) }
            }
            if let float = m[.floatAccuracy] { fields.append(("accuracy_float", .number(float))) }
        }
        fields.append(("feasible", .bool(study.isFeasible(t))))
        if let why = t.outcome.reason { fields.append(("reason", .string(why))) }
        fields.append(("settings", .settings(t.settings)))
        if let model = t.outcome.model {
            var trained = TrainedModel(spec: t.spec, model: model, normalization: study.normalization)
            trained.bits = t.outcome.bits
            trained.calibration = study.calibration
            fields.append(("model", .native(trained)))
        }
        return .record(Record(kind: .trial, fields))
    }

    var summary: String { study.summary }
    func render() -> String { study.summary + "\n" + study.frontTable() }
}
