/// The quantities a search can optimize or bound. Fixing the list lets `check` catch
/// `minimize rom` before a long search starts, and gives each metric its unit.
public enum Metric: String, CaseIterable, Sendable {
    case accuracy, loss, flash, ram, macs, params, latency

    public var dimension: Dimension {
        switch self {
        case .flash, .ram: return .memory
        case .latency: return .time
        case .accuracy, .loss, .macs, .params: return .none
        }
    }

    /// What a good value looks like, for reference points and hints.
    public var higherIsBetter: Bool { self == .accuracy }

    public var meaning: String {
        switch self {
        case .accuracy: return "top-1 accuracy of the compressed model (0..1)"
        case .loss: return "validation loss"
        case .flash: return "flash bytes: packed weights, biases, quantization parameters, per-layer overhead"
        case .ram: return "RAM bytes: peak tensor arena plus scratch buffers"
        case .macs: return "multiply-accumulate operations per inference"
        case .params: return "number of parameters"
        case .latency: return "estimated inference time on the target board"
        }
    }

    /// Looks a metric up by name, with a did-you-mean hint on failure.
    public static func named(_ name: Name) throws -> Metric {
        if let m = Metric(rawValue: name.text) { return m }
        throw Diagnostic("unknown metric '\(name.text)'", at: name.span,
                         hint: Suggestions.hint(for: name.text, in: allCases.map(\.rawValue))
                            ?? "metrics: " + allCases.map(\.rawValue).joined(separator: ", "))
    }
}
