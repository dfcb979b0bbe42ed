import Foundation
import NasCore
import NasLang
import NasNN
import NasOptimize
import NasRender
import NasSearch
import NasStudy

/// The language's side of `NasSearch.SearchOutput`: a search writes through the calling
/// builtin's context, draws its progress bar with NasRender, and stops at Ctrl-C (the
/// interpreter's interrupt flag, polled at the call's span).
struct CallSearchOutput: SearchOutput {
    let context: any CallContext
    let span: SourceSpan

    init(_ call: BuiltinCall) { (context, span) = (call.context, call.span) }

    func write(_ text: String) { context.write(text) }
    func write(live: String, plain: String) { context.write(live: live, plain: plain) }
    var liveProgress: Bool { context.liveProgress }
    var stopRequested: Bool { (try? context.checkInterrupt(at: span)) == nil }

    func drawTraining(_ label: String, stage: String, _ p: TrainingProgress) {
        let fraction = (Double(p.epoch - 1) + Double(p.step) / Double(p.steps)) / Double(p.epochs)
        context.write(live: "\r\u{1B}[K\(label) \(stage) \(p.epoch)/\(p.epochs) " + ProgressBar.render(fraction: fraction, width: 20)
                      + String(format: "  loss %.3f  acc %.3f", p.loss, p.accuracy), plain: "")
    }
}

extension BuiltinCall {
    /// Runs an operation of NasSearch for this call: a `SearchFailure` it throws becomes this
    /// call's diagnostic, at the argument the failure names. The one place the search's
    /// failures meet the language.
    func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as SearchFailure {
            throw error(failure.message, at: failure.argument, hint: failure.hint)
        }
    }
}

extension NetworkSearch {
    /// `run(..., output:)` for a builtin call: its context is the output and its Ctrl-C the
    /// stop, and a study database that stops taking trials is a diagnostic at the call.
    func run(trials: Int, strategy: inout any Strategy, domain: SearchDomain, echoReplay: Bool = false, call: BuiltinCall) throws {
        try call.reporting {
            try run(trials: trials, strategy: &strategy, domain: domain, echoReplay: echoReplay, output: CallSearchOutput(call))
        }
    }
}

extension ParallelSearch {
    /// `run(..., output:)` for a builtin call, as `NetworkSearch`'s.
    func run(trials: Int, strategy: inout any Strategy, domain: SearchDomain, call: BuiltinCall) throws {
        try call.reporting { try run(trials: trials, strategy: &strategy, domain: domain, output: CallSearchOutput(call)) }
    }
}

extension Value {
    /// A trial's or proposal's settings as the `settings` record scripts read (`t.settings`).
    static func settings(_ settings: [(String, ParameterValue)]) -> Value {
        .record(Record(kind: .settings, settings.map { ($0.0, Value($0.1)) }))
    }
}

extension ParameterValue {
    /// A setting as the study storage keeps it: plain JSON (the inverse of `Value(_:)` in
    /// `SpaceBinding.swift` for the values settings hold).
    init(_ value: Value) {
        switch value {
        case .number(let q): self = .number(q.value)
        case .bool(let b): self = .bool(b)
        case .list(let items): self = .list(items.map(ParameterValue.init))
        case .string(let s): self = .string(s)
        default: self = .string(value.inline)
        }
    }
}
