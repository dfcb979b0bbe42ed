import Foundation
import NasCore
import NasStudy

/// What `nasbook status LOCATION` prints: every study with its trial counts by status, every
/// worker with its state and last heartbeat, and the trials running now with their owner, so
/// a user sees at a glance whether a distributed search is moving and who is stuck.
public struct StudyStatusReport {
    public let studies: [StudyRecord]
    public let trials: [Int64: [TrialRecord]]
    public let workers: [WorkerRecord]
    public let location: String

    public init(storage: any StudyStorage) throws {
        studies = try storage.studies()
        var trials: [Int64: [TrialRecord]] = [:]
        for s in studies { trials[s.id!] = try storage.trials(of: s) }
        self.trials = trials
        workers = try storage.workers()
        location = storage.location
    }

    /// The report, with ages measured from `now`.
    public func text(now: Date) -> String {
        func age(_ date: Date?) -> String {
            guard let date else { return "-" }
            let s = max(0, now.timeIntervalSince(date))
            return s < 120 ? "\(Int(s)) s ago" : s < 7200 ? "\(Int(s / 60)) min ago" : "\(Int(s / 3600)) h ago"
        }
        var out = "\(location)\n"
        out += "studies (\(studies.count)):\n"
        var rows: [[String]] = [["study", "status", "strategy", "done/planned", "complete", "failed", "infeasible", "running", "queued"]]
        for s in studies {
            let t = trials[s.id!] ?? []
            func count(_ status: TrialStatus) -> String { String(t.filter { $0.status == status }.count) }
            rows.append([s.name, s.status.rawValue, s.strategy, "\(t.filter(\.status.isFinal).count)/\(s.plannedTrials)", count(.complete),
                         count(.failed), count(.infeasible), count(.running), count(.planned)])
        }
        out += Self.table(rows)
        let names = Dictionary(uniqueKeysWithValues: studies.map { ($0.id!, $0.name) })
        out += "workers (\(workers.count)):\n"
        if workers.isEmpty {
            out += "  none\n"
        } else {
            var w: [[String]] = [["worker", "host", "pid", "threads", "study", "state", "heartbeat"]]
            for r in workers {
                w.append([r.id, r.host, String(r.pid), String(r.threads), r.studyID.flatMap { names[$0] } ?? "-", r.state.rawValue, age(r.heartbeat)])
            }
            out += Self.table(w)
        }
        let running = studies.flatMap { s in (trials[s.id!] ?? []).filter { $0.status == .running }.map { (s.name, $0) } }
        out += "running trials (\(running.count)):\n"
        if running.isEmpty {
            out += "  none\n"
        } else {
            var r: [[String]] = [["study", "trial", "worker", "started", "heartbeat"]]
            for (name, t) in running { r.append([name, String(t.number), t.owner ?? "(in-process)", age(t.started), age(t.heartbeat)]) }
            out += Self.table(r)
        }
        return out
    }

    /// Left-aligned columns, two spaces apart, indented by two.
    static func table(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
