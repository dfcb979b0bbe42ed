import Foundation
import GRDB
import NasCore

/// Whether a study still has trials to run. A study killed mid-run stays `running`, which is
/// how `resume` tells it apart from one that ended.
public enum StudyStatus: String, Codable, Sendable {
    case running, finished
}

/// One search: what was searched, how, and under which budget. Everything `resume` needs to
/// rebuild the strategy is here (strategy name, seed, search space, objectives) together with
/// the script that defined it.
public struct StudyRecord: Sendable, Equatable, Identifiable {
    /// Assigned by `StudyStore.createStudy`; nil before.
    public internal(set) var id: Int64?
    /// Unique within a store; `study(named:)` finds it again.
    public var name: String
    public var created: Date
    public var strategy: String
    public var seed: UInt64
    /// The search space as the language described it (text or JSON): a resumed study checks it
    /// is searching the same space its stored unit-cube points map into.
    public var searchSpace: String
    public var objectives: [Objective]
    public var budget: [Constraint]
    /// How many trials the search was asked for, so a resume knows how many remain.
    public var plannedTrials: Int
    public var script: String
    /// FNV-1a of `script` (not cryptographic): tells at a glance whether the script changed
    /// since the study started.
    public var scriptHash: String { Self.hash(script) }
    public var status: StudyStatus
    /// What the trials depend on besides the space, by name (`dataset`, `board`, `objectives`,
    /// `nasbook`, ...): a resume compares it with the search at hand and names what changed, so
    /// trials measured on one dataset or board are never reused for another. Empty for studies
    /// stored before fingerprints were kept.
    public var fingerprint: [String: String]

    public init(name: String, strategy: String, seed: UInt64, searchSpace: String, objectives: [Objective],
                budget: [Constraint] = [], plannedTrials: Int, script: String = "", fingerprint: [String: String] = [:],
                created: Date = Date()) {
        self.fingerprint = fingerprint
        self.name = name
        self.created = created
        self.strategy = strategy
        self.seed = seed
        self.searchSpace = searchSpace
        self.objectives = objectives
        self.budget = budget
        self.plannedTrials = plannedTrials
        self.script = script
        self.status = .running
    }

    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return String(h, radix: 16)
    }
}

/// One evaluated configuration. Its row is written as `running` when it starts and rewritten,
/// with its curve, in one transaction when it ends: a finished trial is either wholly stored
/// or not at all.
public struct TrialRecord: Sendable, Equatable, Identifiable {
    public internal(set) var id: Int64?
    public internal(set) var studyID: Int64
    /// 1, 2, 3... in the order the strategy proposed them; replaying them in this order
    /// rebuilds the strategy's state.
    public internal(set) var number: Int
    public var status: TrialStatus
    /// Why a trial failed or was infeasible (diverged, out of memory, over the RAM budget).
    public var failureReason: String?
    /// The point in the unit hypercube the strategy proposed: what the strategy sees on replay.
    public var x: [Double]
    /// The point decoded into the search space's parameters (width 16, kernel [3, 5, 3]...).
    public var parameters: [String: ParameterValue]
    /// Measured and computed values (see `Metric`); objectives and budgets pick from them.
    public var metrics: MetricValues
    public var seed: UInt64
    public var started: Date
    public var finished: Date?
    /// Wall time from start to finish.
    public var seconds: Double?
    /// The worker holding (or, once finished, that held) the trial's lease; nil for a trial an
    /// in-process search ran itself.
    public internal(set) var owner: String?
    /// When the owner last said it is still training this trial; a lease whose heartbeat is
    /// older than the timeout is expired and the trial planned again (`expireLeases`).
    public internal(set) var heartbeat: Date?

    init(studyID: Int64, number: Int, x: [Double], parameters: [String: ParameterValue], seed: UInt64, started: Date,
         status: TrialStatus = .running) {
        self.studyID = studyID
        self.number = number
        self.status = status
        self.x = x
        self.parameters = parameters
        self.metrics = MetricValues()
        self.seed = seed
        self.started = started
    }

    /// Records a trained trial's metrics and its end.
    public mutating func complete(metrics: MetricValues, at time: Date = Date()) {
        self.metrics.merge(metrics)
        close(.complete, reason: nil, at: time)
    }

    /// Records why the trial could not be evaluated (diverged, crashed); partial metrics are kept.
    public mutating func fail(_ reason: String, metrics: MetricValues = [:], at time: Date = Date()) {
        self.metrics.merge(metrics)
        close(.failed, reason: reason, at: time)
    }

    /// Records a configuration rejected before training because its computed costs break the
    /// budget; those costs are kept so a looser budget can show why it was skipped.
    public mutating func markInfeasible(_ reason: String, metrics: MetricValues = [:], at time: Date = Date()) {
        self.metrics.merge(metrics)
        close(.infeasible, reason: reason, at: time)
    }

    private mutating func close(_ status: TrialStatus, reason: String?, at end: Date) {
        self.status = status
        failureReason = reason
        finished = end
        seconds = end.timeIntervalSince(started)
    }

    /// The trial as a worker holds it after claiming it: running, leased to `worker` from `time`.
    mutating func lease(to worker: String, at time: Date) {
        status = .running
        owner = worker
        heartbeat = time
        started = time
    }

    /// The trial back in the queue after its lease was lost: planned, no owner, nothing measured.
    mutating func replan() {
        status = .planned
        owner = nil
        heartbeat = nil
        metrics = MetricValues()
        failureReason = nil
        finished = nil
        seconds = nil
    }

    /// The study's objectives in the minimization convention, or nil when the trial is not
    /// complete or lacks one of them: what a strategy is fed on replay.
    public func objectiveVector(_ objectives: [Objective]) -> [Double]? {
        status == .complete ? metrics.minimized(objectives) : nil
    }
}

/// A proposal to store as a `planned` trial: the unit-cube point the strategy chose, its
/// decoded parameters and the trial's training seed.
public struct TrialPoint: Sendable, Equatable {
    public var x: [Double]
    public var parameters: [String: ParameterValue]
    public var seed: UInt64

    public init(x: [Double], parameters: [String: ParameterValue] = [:], seed: UInt64) {
        self.x = x
        self.parameters = parameters
        self.seed = seed
    }
}

/// What a worker process is doing, as `nasbook status` shows it.
public enum WorkerState: String, Codable, Sendable {
    /// Started, looking for a planned trial to claim.
    case waiting
    /// Holds a trial's lease and trains it.
    case training
    /// Ended (study finished, Ctrl-C, or told to stop); the row stays for the record.
    case stopped
}

/// One worker process that takes trials of a study's storage: who and where it is, and when it
/// last said it is alive. Workers write their own row (`registerWorker`) and renew it with
/// every `heartbeat`.
public struct WorkerRecord: Sendable, Equatable, Identifiable {
    /// Unique across machines: `host:pid:random`, see `WorkerRecord.newID()`.
    public var id: String
    public var host: String
    public var pid: Int
    /// Training threads each of its trials uses.
    public var threads: Int
    /// The study it works for; nil while it waits for one to be named.
    public var studyID: Int64?
    public var started: Date
    public var heartbeat: Date
    public var state: WorkerState

    public init(id: String, host: String, pid: Int, threads: Int, studyID: Int64?, started: Date = Date(),
                heartbeat: Date? = nil, state: WorkerState = .waiting) {
        self.id = id
        self.host = host
        self.pid = pid
        self.threads = threads
        self.studyID = studyID
        self.started = started
        self.heartbeat = heartbeat ?? started
        self.state = state
    }

    /// A fresh id for this process: host name, process id and a random suffix, so a restarted
    /// process with a recycled pid is still a different worker.
    public static func newID(host: String = ProcessInfo.processInfo.hostName, pid: Int32 = ProcessInfo.processInfo.processIdentifier) -> String {
        "\(host):\(pid):\(UUID().uuidString.prefix(8).lowercased())"
    }
}
