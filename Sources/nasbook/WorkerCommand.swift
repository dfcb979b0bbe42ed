import ArgumentParser
import EngineBuiltins
import Foundation
import LineEditor
import NasCore
import NasLang
import NasSearch
import NasStudy

/// `nasbook worker LOCATION --study NAME`: one worker of a parallel or distributed search. It
/// runs the study's stored script up to its `search` (so it has the same dataset, space and
/// model; the study's fingerprint proves the data is the same), then claims planned trials,
/// trains them and stores their outcomes until the proposer finishes the study. Start as many
/// as there are cores or machines to spare: by hand, over ssh, from Slurm or Kubernetes.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Take and train the planned trials of a study until its search ends.",
        discussion: "Run it in the folder the search's script ran in (its data paths are relative to it). The process that runs `search(..., workers: N)` (or `nasbook run`) proposes; workers only train. A worker killed mid-trial loses the trial's lease after the search's lease timeout and the trial runs again elsewhere; nothing finished is lost or stored twice. SIGTERM (Slurm, Kubernetes) or Ctrl-C stops it cleanly: it gives its trial back at once (planned again for another worker), marks itself stopped and exits 143 (130 for Ctrl-C). When the database stops answering, it retries for --retry seconds, then exits 1 naming the database."
    )

    @ArgumentParser.Argument(help: "The study storage: a SQLite study database path, or postgresql://user:password@host:port/db (or leave the password out and set PGPASSWORD or ~/.pgpass).")
    var location: String

    @Option(help: ArgumentHelp("The study to work for (default: the latest study still running).", valueName: "name"))
    var study: String?

    @Option(help: ArgumentHelp("Training threads per trial (default: one per core).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Stop when this process is gone (set by the search that starts its own workers).", valueName: "pid"))
    var parent: Int32?

    @Option(help: ArgumentHelp("Give up when no study of that name appears within this many seconds.", valueName: "seconds"))
    var wait: Double = 600

    @Option(help: ArgumentHelp("When the study database stops answering (a server restarting), keep retrying, with backoff, this many seconds before exiting with the error.", valueName: "seconds"))
    var retry: Double = 60

    @OptionGroup var access: AccessOptions

    func run() throws {
        if let threads, threads < 1 {
            Console.err("nasbook worker: --threads must be at least 1\n")
            throw ExitCode(2)
        }
        guard retry >= 0, retry.isFinite else {
            Console.err("nasbook worker: --retry must be a number of seconds, 0 or more\n")
            throw ExitCode(2)
        }
        Interrupt.install()
        // Slurm and Kubernetes stop a job with SIGTERM: stop at a safe point, give the lease
        // back and mark the worker stopped, instead of dying mid-trial.
        Interrupt.installTermination()
        let storage: any StudyStorage
        do {
            storage = try StudyStorageLocation.open(location, as: .worker)
        } catch {
            Console.err("nasbook worker: \(StudyStorageLocation.redacted(location)): \(error)\n")
            throw ExitCode(1)
        }
        let record = try waitForStudy(storage)
        guard !record.script.isEmpty else {
            Console.err("nasbook worker: study '\(record.name)' in \(StudyStorageLocation.redacted(location)) stored no script (it was made by an older nasbook, or by ask/tell); workers rebuild the search from it\n")
            throw ExitCode(1)
        }
        let id = WorkerRecord.newID()
        Console.err("worker \(id): study '\(record.name)' in \(StudyStorageLocation.redacted(location))\n")
        let interpreter = Interpreter(registry: .withEngine(), output: Console.out)
        interpreter.studySettings = StudySettings(databasePath: location,
                                                  worker: WorkerAssignment(study: record.name, id: id, threads: threads, parent: parent, retry: retry))
        interpreter.fileAccess = access.access(around: FileManager.default.currentDirectoryPath,
                                               files: StudyStorageLocation.scheme(of: location) == nil ? [location] : [])
        var interrupted = false
        interpreter.shouldInterrupt = {
            if Interrupt.take() { interrupted = true }
            return interrupted
        }
        do {
            try LargeStack.run { try interpreter.run(SourceFile(name: "<script of study '\(record.name)'>", text: record.script)) }
        } catch let done as ProgramFinished {
            Console.err(done.message + "\n")
            if Interrupt.terminated {
                Console.err("nasbook worker: stopped by SIGTERM\n")
                throw ExitCode(143)
            }
            if interrupted {
                Console.err("nasbook worker: stopped by Ctrl-C\n")
                throw ExitCode(130)
            }
            return
        } catch {
            let report = FailureReport(error)
            Console.err(report.text)
            throw ExitCode(report.exitStatus)
        }
        if Interrupt.terminated {
            Console.err("nasbook worker: stopped by SIGTERM before it reached the search\n")
            throw ExitCode(143)
        }
        if interrupted { throw ExitCode(130) }
        Console.err("nasbook worker: the script of study '\(record.name)' ended without reaching its search; nothing to do\n")
        throw ExitCode(1)
    }

    /// The study named (or the latest running one), waiting for it to be created when the
    /// worker was started before the search.
    func waitForStudy(_ storage: any StudyStorage) throws -> StudyRecord {
        let deadline = Date().addingTimeInterval(wait)
        var announced = false
        while true {
            let found = try study.map { try storage.study(named: $0) } ?? storage.studies().last { $0.status == .running }
            if let found { return found }
            guard Date() < deadline, !Interrupt.take() else {
                Console.err("nasbook worker: \(StudyStorageLocation.redacted(location)) has no " + (study.map { "study named '\($0)'" } ?? "running study")
                            + "; its studies: " + (try storage.studies().map { "'\($0.name)' (\($0.status.rawValue))" }.joined(separator: ", ")) + "\n")
                throw ExitCode(1)
            }
            if !announced {
                Console.err("nasbook worker: waiting for " + (study.map { "study '\($0)'" } ?? "a running study") + " in \(StudyStorageLocation.redacted(location))\n")
                announced = true
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }
}

/// `nasbook status LOCATION`: the studies in a storage with their trial counts, the workers
/// with their last heartbeat, and the trials running now, with whom.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List a study storage's studies, workers and running trials."
    )

    @ArgumentParser.Argument(help: "The study storage: a SQLite study database path, or postgresql://user:password@host:port/db (or leave the password out and set PGPASSWORD or ~/.pgpass).")
    var location: String

    func run() throws {
        guard StudyStorageLocation.scheme(of: location) != nil || FileManager.default.fileExists(atPath: location) else {
            Console.err("nasbook status: '\(StudyStorageLocation.redacted(location))' does not exist\n")
            throw ExitCode(1)
        }
        do {
            Console.out(try StudyStatusReport(storage: try StudyStorageLocation.open(location, as: .worker)).text(now: Date()))
        } catch let error as ExitCode {
            throw error
        } catch {
            Console.err("nasbook status: \(StudyStorageLocation.redacted(location)): \(error)\n")
            throw ExitCode(1)
        }
    }
}
