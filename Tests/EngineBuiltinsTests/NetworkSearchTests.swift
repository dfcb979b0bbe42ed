import EngineBuiltins
import Foundation
import XCTest
@testable import NasLang

/// `search(space, data, target, ...)` over real networks, driven from the language.
final class NetworkSearchTests: XCTestCase {
    /// A small 1-D task that trains in well under a second per trial in debug builds.
    static let setup = """
    target = board(name: "test board", mcu: "none", core: "Cortex-M4", clock: 80 MHz, ram: 256 KB, flash: 1 MB)
    data = dataset.motion(count: 600, length: 64, seed: 2)
    space tiny {
      width in [4, 8]
      depth in 1..2
      lr = 0.1
      epochs = 4
      prune in 0.0 ~ 0.5 per layer
      bits in [4, 8] per layer
    }
    objectives { maximize accuracy; minimize ram; minimize flash }

    """

    func run(_ program: String, interruptWhen: ((String) -> Bool)? = nil, settings: StudySettings = StudySettings())
        -> (out: String, error: String?) {
        runWithEngine(Self.setup + program) { interpreter, output in
            interpreter.studySettings = settings
            guard let interruptWhen else { return }
            var fired = false
            interpreter.shouldInterrupt = {
                guard !fired, interruptWhen(output()) else { return false }
                fired = true
                return true
            }
        }
    }

    func testSearchTrainsCompressesAndFindsAFeasibleFront() {
        let (out, error) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 4, seed: 1)
        print(len(s.trials), len(s.pareto) >= 1)
        print(len(filter(s.pareto, fn(t) = t.feasible and t.status == "complete")) == len(s.pareto))
        best = s.best(by: accuracy)
        print(best.accuracy == max(map(s.trials, fn(t) = t.accuracy)), best.accuracy > 0.4)
        print(len(best.settings.prune) == len(best.settings.bits), type(best.model))
        print(s.hypervolume > 0, len(s.history))
        """)
        XCTAssertNil(error, out)
        for k in 1...4 { XCTAssertTrue(out.contains("trial \(k) [\(k)/4]  accuracy"), out) }
        XCTAssertTrue(out.contains("4 true\ntrue\ntrue true\ntrue trained model\ntrue 4\n"), out)
    }

    func testSameSeedGivesTheSameStudy() {
        let program = "s = search(tiny, data, target, strategy: random, trials: 3, seed: 5)\nshow s"
        let a = run(program), b = run(program)
        XCTAssertNil(a.error)
        XCTAssertEqual(a.out, b.out)
        XCTAssertNotEqual(a.out, run("s = search(tiny, data, target, strategy: random, trials: 3, seed: 6)\nshow s").out)
    }

    func testOverBudgetNetworksAreNeverTrained() {
        // Width 8 with two stages needs more flash than this; width 4 with one stage fits. The
        // strategies see the budget through the cost model and only propose networks that fit.
        for strategy in ["random", "ars_mobo"] {
            let (out, error) = run("""
            budget { flash <= 1400 B }
            s = search(tiny, data, target, strategy: \(strategy), trials: 4, seed: 2)
            print(len(filter(s.trials, fn(t) = t.status == "complete" and t.flash <= 1400 B)))
            """)
            XCTAssertNil(error, out)
            XCTAssertTrue(out.hasSuffix("\n4\n"), out)
        }
    }

    /// Pruned weights are stored as a bitmap of the non-zeros, and the search's cost model knows:
    /// no dense network of this space fits the flash budget, pruned ones do, so a space with
    /// `prune` finds them (and only them) without training a network over budget.
    func testPruningBuysFlashTheSearchCanSpend() {
        let (out, error) = run("""
        space pruned {
          width = 8
          depth = 2
          lr = 0.1
          epochs = 2
          prune in 0.0 ~ 0.8
        }
        budget { flash <= 1.2 KB }
        print("dense fits", cost(cnn1d(width: 8, depth: 2), target, data: data).flash <= 1.2 KB)
        s = search(pruned, data, target, strategy: sobol, trials: 3, seed: 3)
        print("pruned fit", len(filter(s.trials, fn(t) = t.status == "complete" and t.flash <= 1.2 KB)))
        """)
        XCTAssertNil(error, out)
        XCTAssertTrue(out.contains("dense fits false\n"), out)
        XCTAssertTrue(out.hasSuffix("pruned fit 3\n"), out)
    }

    func testChangingTheBudgetRefiltersStoredTrials() {
        let (out, error) = run("""
        budget { ram <= 256 KB }
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 1)
        before = len(s.pareto)
        budget.ram = 16 B
        print(len(s.pareto))
        budget.ram = 256 KB
        print(len(s.pareto) == before)
        """)
        XCTAssertNil(error, out)
        XCTAssertTrue(out.contains("budget is now ram <= 0.0 KB: re-filtered 3 stored trials of space tiny\nno trial fits ram <= 0.0 KB\n0\n"), out)
        XCTAssertTrue(out.hasSuffix("true\n"), out)
    }

    func testFailingTrialsAreRecordedAndTheSearchGoesOn() {
        let (out, error) = run("""
        space wild {
          width in [4, 8]
          lr = 1e9
          epochs = 1
        }
        s = search(wild, data, target, strategy: random, trials: 2, seed: 1)
        print(map(s.trials, fn(t) = t.status))
        best = s.best(by: accuracy)
        """)
        XCTAssertTrue(out.contains("trial 1 [1/2] failed"), out)
        XCTAssertTrue(out.contains("[\"failed\", \"failed\"]"), out)
        XCTAssertTrue(error?.contains("no trial of this study fits") == true, error ?? out)
    }

    func testCtrlCKeepsFinishedTrials() {
        let (out, error) = run("""
        s = search(tiny, data, target, strategy: random, trials: 4, seed: 1)
        print(len(s.trials))
        """, interruptWhen: { $0.contains("trial 2 [2/4]") })
        XCTAssertNil(error, out)
        XCTAssertTrue(out.contains("search stopped by Ctrl-C: the study keeps its 2 finished trials\n2\n"), out)
    }

    func testResumeContinuesAsIfNeverStopped() {
        let whole = run("s = search(tiny, data, target, strategy: ars_mobo, trials: 5, seed: 4)\nshow s")
        let resumed = run("s = search(tiny, data, target, strategy: ars_mobo, trials: 5, seed: 4)\ns = resume(s)\nshow s",
                          interruptWhen: { $0.contains("trial 3 [3/5]") })
        XCTAssertNil(resumed.error, resumed.out)
        XCTAssertTrue(resumed.out.contains("resumed: 3 finished trials replayed through ars_mobo, continuing at trial 4\n"), resumed.out)
        XCTAssertFalse(resumed.out.contains("note:"), resumed.out)
        let summary = { (out: String) in out.components(separatedBy: "study of space").last! }
        XCTAssertEqual(summary(whole.out), summary(resumed.out))
    }

    func testStudiesAreStoredAndResumedFromTheDatabase() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("t.db").path
        let program = "s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 4)\nshow s\nbest = s.best(by: accuracy)\nprint(best.accuracy, type(best.model))"
        let first = run(program, settings: StudySettings(databasePath: path))
        XCTAssertNil(first.error, first.out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        // A second run with --resume trains nothing: every trial comes from the database, and the
        // best network is retrained from its seed to the same accuracy.
        let again = run(program, settings: StudySettings(databasePath: path, resume: true))
        XCTAssertNil(again.error, again.out)
        XCTAssertTrue(again.out.contains("resumed: 3 finished trials replayed through sobol, continuing at trial 4\n"), again.out)
        XCTAssertFalse(again.out.contains("trial 1 [1/3]"), again.out)
        XCTAssertTrue(again.out.hasSuffix(" trained model\n"), again.out)
        let tail = { (out: String) in out.components(separatedBy: "study of space").last! }
        XCTAssertEqual(tail(first.out), tail(again.out))
        // Without --resume the same database gets a second study beside the first.
        let fresh = run(program, settings: StudySettings(databasePath: path))
        XCTAssertTrue(fresh.out.contains("trial 1 [1/3]"), fresh.out)
    }

    /// `s.evaluate(test)` scores the front on data no trial was chosen on, and gives the same
    /// numbers for a study read back from the database (its networks retrained from their seeds).
    func testEvaluateScoresTheFrontOnATestSplit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("t.db").path
        let program = """
        test = dataset.motion(count: 300, length: 64, seed: 9)
        s = search(tiny, data, target, strategy: sobol, trials: 3, seed: 4)
        e = s.evaluate(test)
        show e
        print(len(e.trials) == len(s.pareto), e.samples, e.test_accuracy > 0.3)
        print(map(e.trials, fn(t) = t.trial) == map(s.pareto, fn(t) = t.trial))
        one = s.evaluate(test, trials: [s.best(by: accuracy)])
        print(len(one.trials), one.trials[0].accuracy == s.best(by: accuracy).accuracy)
        """
        let first = run(program, settings: StudySettings(databasePath: path))
        XCTAssertNil(first.error, first.out)
        XCTAssertTrue(first.out.contains("scored in int8 on 300 test samples of motion"), first.out)
        XCTAssertTrue(first.out.contains("validation   test  test float  test - val"), first.out)
        XCTAssertTrue(first.out.contains("true 300 true\ntrue\n1 true\n"), first.out)
        let again = run(program, settings: StudySettings(databasePath: path, resume: true))
        XCTAssertNil(again.error, again.out)
        XCTAssertTrue(again.out.contains("retraining") || !again.out.contains("trial 1 [1/3]"), again.out)
        let table = { (out: String) in out.components(separatedBy: "scored in int8").dropFirst().first ?? "" }
        XCTAssertEqual(table(first.out), table(again.out))
    }

    func testEvaluateRejectsDataOfAnotherShape() {
        let (_, error) = run("""
        s = search(tiny, data, target, strategy: sobol, trials: 2, seed: 4)
        s.evaluate(dataset.shapes(count: 50, size: 16, seed: 1))
        """)
        XCTAssertTrue(error?.contains("evaluate: the test samples are 16x16x3") ?? false, error ?? "no error")
    }

    /// Training knobs of the recipe are searchable, and bad optimizer names are caught at the space.
    func testRecipeKnobsInASpace() {
        let (out, error) = run("""
        space recipe {
          width in [4, 8]
          depth = 1
          epochs = 2
          optimizer in ["nesterov", "adamw"]
          lr = 0.01
          warmup = 0.2
          smoothing in 0.0 ~ 0.2
          weight_decay = 0.0001
          channels = 0.5
          gradual in [true, false]
        }
        s = search(recipe, data, target, strategy: sobol, trials: 3, seed: 2)
        print(len(s.trials))
        """)
        XCTAssertNil(error, out)
        XCTAssertTrue(out.hasSuffix("3\n"), out)
        let (_, bad) = run("""
        space wrong {
          width in [4, 8]
          optimizer in ["sgd", "adagrad"]
        }
        search(wrong, data, target, trials: 1)
        """)
        XCTAssertTrue(bad?.contains("'optimizer' must be one of \"sgd\", \"nesterov\", \"adam\", \"adamw\", not \"adagrad\"") ?? false, bad ?? "no error")
    }

    func testUnknownSpaceParameterPointsAtItsDeclaration() {
        let (_, error) = run("""
        space typo {
          widht in [4, 8]
        }
        s = search(typo, data, target)
        """)
        XCTAssertTrue(error?.contains("t.nas:13:3: error: space 'typo': nasbook does not know the parameter 'widht'") == true, error ?? "")
        XCTAssertTrue(error?.contains("width") == true, error ?? "")
    }
}

/// `save plot(...) to "file.svg"`: the statement form of a plot's `to:`.
final class SaveStatementTests: XCTestCase {
    func testSavePlotWritesTheFileAndSaveStaysAName() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-save-\(UUID().uuidString).svg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (out, error) = runWithEngine("""
        s = search(problem.zdt1(dims: 3), strategy: sobol, trials: 8, seed: 1)
        save plot(s.history, title: "hypervolume") to "\(path)"
        save = 3
        print(save)
        """)
        XCTAssertNil(error, out)
        XCTAssertTrue(out.contains("wrote \(path)\n3\n"), out)
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("<?xml"))
        let notACall = runWithEngine("s = 1\nsave s to \"x.svg\"")
        XCTAssertTrue(notACall.error?.contains("t.nas:2:6: error: 'save' needs a call such as plot(...) to save") == true,
                      notACall.error ?? notACall.out)
    }
}
