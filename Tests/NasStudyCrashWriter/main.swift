import Foundation
import NasCore
import NasStudy

// Test helper for CrashSafetyTests: runs a fake study that the test kills with SIGKILL.
// Usage: nas-study-crash-writer DB TRIALS SLEEP_MS
// Opens (or resumes) the study "crash" in DB and runs it up to TRIALS trials, sleeping SLEEP_MS
// while each trial "trains". After each trial is committed it prints "committed N" and flushes,
// so the test knows which trials must survive the kill. Trial N's contents follow
// CrashWriterTrial so the test can check them.

/// Unbuffered, so the test sees each line before the next trial starts.
func report(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = CommandLine.arguments
guard arguments.count == 4, let total = Int(arguments[2]), let sleepMs = UInt32(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: nas-study-crash-writer DB TRIALS SLEEP_MS\n".utf8))
    exit(2)
}
do {
    let store = try StudyStore(path: arguments[1])
    let study = try store.study(named: "crash") ?? store.createStudy(StudyRecord(
        name: "crash", strategy: "sobol", seed: 7, searchSpace: "width: 1..1000",
        objectives: [Objective(Metric.accuracy, .maximize), Objective(Metric.ram, .minimize)], plannedTrials: total))
    let resumed = try store.resume(study)
    for number in min(resumed.trials.count, total) + 1 ..< total + 1 {
        var trial = try store.startTrial(in: study, x: [Double(number) / 1000], parameters: ["width": .number(Double(number)),
                                         "kernels": .list([.number(3), .number(5)])], seed: UInt64(number))
        precondition(trial.number == number, "numbering broke: expected \(number), got \(trial.number)")
        usleep(sleepMs * 1000)
        trial.complete(metrics: [Metric.accuracy: Double(number) / 1000, Metric.ram: Double(number * 1024)])
        try store.finish(trial, epochs: (1...2).map { EpochRecord(epoch: $0, trainLoss: 1 / Double($0 + number), trainAccuracy: 0.5, seconds: 0.01) })
        report("committed \(number)")
    }
    try store.markFinished(study)
    report("done")
} catch {
    FileHandle.standardError.write(Data("nas-study-crash-writer: \(error)\n".utf8))
    exit(1)
}
