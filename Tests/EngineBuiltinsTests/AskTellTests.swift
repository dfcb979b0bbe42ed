import EngineBuiltins
import Foundation
import XCTest
@testable import NasLang

/// `ask`/`tell`: trials measured outside nasbook (a board in the loop), on memory and on a
/// study database, with the strategy's proposals and the stored trials as a search keeps them.
final class AskTellTests: XCTestCase {
    func run(_ program: String, settings: StudySettings = StudySettings()) -> (out: String, error: String?) {
        runWithEngine(NetworkSearchTests.setup + program) { interpreter, _ in interpreter.studySettings = settings }
    }

    func testAskProposesDistinctConfigurationsAndTellRecordsTheMeasurements() {
        let (out, error) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        a = ask(s)
        b = ask(s)
        print(a.trial, b.trial, a.status, a.settings != b.settings, type(a.model), a.ram > 0 KB)
        tell(s, a, accuracy: 0.91, latency: 3.2 ms)
        tell(s, b.trial, accuracy: 0.5, ram: 2 KB)
        print(len(s.trials), s.trials[0].accuracy, s.trials[0].latency, s.trials[1].ram)
        c = ask(s)
        tell(s, c, failed: "did not flash")
        print(s.trials[2].status, s.trials[2].reason)
        """)
        XCTAssertNil(error, out)
        XCTAssertTrue(out.contains("0 of 3 trials recorded"), out)
        XCTAssertTrue(out.contains("1 2 running true model true\n"), out)
        XCTAssertTrue(out.contains("2 0.91 3.2 ms 2 KB\n"), out)
        XCTAssertTrue(out.contains("failed did not flash\n"), out)
        XCTAssertTrue(out.contains("trial 1 [1/3]  accuracy 0.910"), out)
    }

    func testTellRefusesWhatItCannotRecord() {
        let (_, twice) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        a = ask(s)
        tell(s, a, accuracy: 0.9)
        tell(s, a, accuracy: 0.8)
        """)
        XCTAssertTrue(twice?.contains("trial 1 was already recorded (complete)") == true, twice ?? "no error")
        let (_, missing) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        tell(s, ask(s), latency: 2 ms)
        """)
        XCTAssertTrue(missing?.contains("needs every objective; missing accuracy") == true, missing ?? "no error")
        let (_, unit) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        tell(s, ask(s), accuracy: 0.9, latency: 3 KB)
        """)
        XCTAssertTrue(unit?.contains("latency is estimated inference time") == true, unit ?? "no error")
        let (_, unknown) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        tell(s, 7, accuracy: 0.9)
        """)
        XCTAssertTrue(unknown?.contains("has no trial 7") == true, unknown ?? "no error")
        // The trial's declared type refuses what is neither a trial record nor a trial number,
        // before the body runs: a number without an Int (1e19) is an error, not a trap.
        let (_, huge) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        tell(s, 1e19, accuracy: 0.9)
        """)
        XCTAssertTrue(huge?.contains("'trial' must be a whole number from 1 to 2147483647 or a trial, not 1e+19") == true,
                      huge ?? "no error")
        let (_, edited) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        t = ask(s)
        t.trial = 1e19
        tell(s, t, accuracy: 0.9)
        """)
        XCTAssertTrue(edited?.contains("tell: 'trial' must be the record ask(s) returned, or its number") == true, edited ?? "no error")
    }

    /// In a study database the told trials stay: a later session resumes the study and asks on.
    func testAToldStudyInADatabaseContinuesInTheNextSession() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("asktell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("board.db").path
        let first = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        tell(s, ask(s), accuracy: 0.7)
        ask(s)
        """, settings: StudySettings(databasePath: path))
        XCTAssertNil(first.error, first.out)
        let second = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1, workers: 0)
        t = ask(s)
        print(t.trial, len(s.trials), s.trials[0].accuracy)
        """, settings: StudySettings(databasePath: path, resume: true))
        XCTAssertNil(second.error, second.out)
        XCTAssertTrue(second.out.contains("1 of 3 trials recorded"), second.out)
        XCTAssertTrue(second.out.contains("2 1 0.7\n"), "the unanswered ask was dropped and proposed again as trial 2: \(second.out)")
    }
}
