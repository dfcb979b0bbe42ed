/// Updates parameters from their gradients. State (momentum, moments) lives in the optimizer,
/// keyed by parameter, so one model can be trained by several optimizers in turn.
public protocol Optimizer: AnyObject {
    func step(_ parameters: [Parameter], learningRate: Float)
}

/// SGD with momentum and L2 weight decay, as PyTorch's `torch.optim.SGD` defines them
/// (decay added to the gradient, then v = m v + g, w -= lr v; with Nesterov momentum the step
/// looks ahead along the velocity: w -= lr (g + m v)).
public final class SGD: Optimizer {
    public let momentum: Float
    public let weightDecay: Float
    public let nesterov: Bool
    private var velocity: [ObjectIdentifier: [Float]] = [:]

    public init(momentum: Float = 0.9, weightDecay: Float = 5e-4, nesterov: Bool = false) {
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public func step(_ parameters: [Parameter], learningRate: Float) {
        for p in parameters {
            var v = velocity[ObjectIdentifier(p)] ?? [Float](repeating: 0, count: p.count)
            let decay = weightDecay, m = momentum, lookAhead = nesterov
            v.withUnsafeMutableBufferPointer { vp in
                p.gradient.withUnsafeBufferPointer { gp in
                    p.value.withUnsafeMutableBufferPointer { wp in
                        for i in 0..<wp.count {
                            let g = gp[i] + decay * wp[i]
                            vp[i] = m * vp[i] + g
                            wp[i] -= learningRate * (lookAhead ? g + m * vp[i] : vp[i])
                        }
                    }
                }
            }
            velocity[ObjectIdentifier(p)] = v
        }
    }
}

/// Adam (Kingma & Ba) with bias correction and optional weight decay: L2 (added to the
/// gradient, as `torch.optim.Adam`) or decoupled (AdamW: w -= lr decay w, apart from the moments).
public final class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public let decoupled: Bool
    private var moments: [ObjectIdentifier: (m: [Float], v: [Float])] = [:]
    private var steps = 0

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public func step(_ parameters: [Parameter], learningRate: Float) {
        steps += 1
        let c1 = 1 - pow(beta1, Float(steps)), c2 = 1 - pow(beta2, Float(steps))
        for p in parameters {
            var (m, v) = moments[ObjectIdentifier(p)] ?? (.init(repeating: 0, count: p.count), .init(repeating: 0, count: p.count))
            let l2 = decoupled ? 0 : weightDecay, shrink = decoupled ? 1 - learningRate * weightDecay : 1
            for i in 0..<p.count {
                let g = p.gradient[i] + l2 * p.value[i]
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                p.value[i] = p.value[i] * shrink - learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
            }
            moments[ObjectIdentifier(p)] = (m, v)
        }
    }
}

import Foundation

/// Learning rate as a function of progress through training.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Cosine decay from the base rate to zero over all steps.
    case cosine
    /// Multiply by `factor` every `every` epochs.
    case step(every: Int, factor: Float)

    /// Linear warm-up: step s of the first `warmupSteps` runs at (s + 1) / warmupSteps of the
    /// scheduled rate, every later step at the full rate.
    public static func warmupFactor(step: Int, warmupSteps: Int) -> Float {
        step < warmupSteps ? Float(step + 1) / Float(warmupSteps) : 1
    }

    public func rate(base: Float, step: Int, totalSteps: Int, stepsPerEpoch: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .cosine:
            let progress = Float(step) / Float(max(1, totalSteps))
            return base * 0.5 * (1 + cos(Float.pi * progress))
        case .step(let every, let factor):
            let epoch = step / max(1, stepsPerEpoch)
            return base * pow(factor, Float(epoch / max(1, every)))
        }
    }
}

extension TrainingOptions.OptimizerChoice {
    /// The names scripts use: "sgd" (heavy-ball momentum 0.9), "nesterov" (Nesterov momentum
    /// 0.9), "adam" and "adamw" (decoupled decay).
    public static let names = ["sgd", "nesterov", "adam", "adamw"]

    /// The optimizer called `name`, with `weightDecay` or the usual decay for it (SGD 5e-4,
    /// Adam 0, AdamW 1e-2); nil for an unknown name.
    public static func named(_ name: String, weightDecay: Float? = nil) -> Self? {
        switch name {
        case "sgd": return .sgd(momentum: 0.9, weightDecay: weightDecay ?? 5e-4)
        case "nesterov": return .sgd(momentum: 0.9, weightDecay: weightDecay ?? 5e-4, nesterov: true)
        case "adam": return .adam(weightDecay: weightDecay ?? 0)
        case "adamw": return .adamW(weightDecay: weightDecay ?? 1e-2)
        default: return nil
        }
    }

    /// The name `named` takes.
    public var name: String {
        switch self {
        case .sgd(_, _, let nesterov): return nesterov ? "nesterov" : "sgd"
        case .adam: return "adam"
        case .adamW: return "adamw"
        }
    }
}
