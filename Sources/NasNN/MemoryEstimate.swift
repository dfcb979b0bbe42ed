import Foundation
import NasData

/// How much memory training a model takes, estimated before any of it is allocated, and the
/// most nasbook lets one training (or one dataset) take. A 512x512 input at batch 256 asks for
/// tens of gigabytes of activations: that must be a clear error up front, not a process the
/// kernel kills minutes later.
public enum MemoryEstimate {
    /// The most bytes one training's tensors may take (`MemoryLimit`, shared with datasets).
    public static var limitBytes: Double { MemoryLimit.bytes }

    /// How the limit reads in messages, with the way to change it.
    public static var limitDescription: String { MemoryLimit.description }

    /// Bytes training `model` at `batch` samples per step needs, about: every layer's output for
    /// the batch kept for the backward pass, its gradient and the convolutions' im2col-sized
    /// scratch (three floats per activation), plus weights, gradients and two optimizer moments.
    /// Computed in Double so absurd shapes cannot overflow.
    public static func trainingBytes(_ model: Model, batch: Int) -> Double {
        let activations = model.summary().reduce(0.0) { total, row in
            total + row.outputShape.reduce(1.0) { $0 * Double($1) }
        } + model.inputShape.reduce(1.0) { $0 * Double($1) }
        return 4 * (3 * activations * Double(batch) + 4 * Double(model.parameterCount))
    }

    /// Nil when training fits the limit; else the message to show.
    public static func trainingProblem(_ model: Model, batch: Int) -> String? {
        let bytes = trainingBytes(model, batch: batch)
        guard bytes > limitBytes else { return nil }
        return "training \(model.name) on \(model.inputShape.map(String.init).joined(separator: "x")) inputs at batch \(batch) "
            + "would need about " + String(format: "%.1f GB", bytes / 1_073_741_824) + ", more than the \(limitDescription); "
            + "use a smaller batch, smaller inputs or a narrower model"
    }
}
