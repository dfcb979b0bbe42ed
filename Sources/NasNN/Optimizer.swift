/// Updates parameters from their gradients. State (momentum, moments) lives in the optimizer,
/// keyed by parameter, so one model can be trained by several optimizers in turn.
public protocol Optimizer: AnyObject {
    func step(_ parameters: [Parameter], learningRate: Float)
}

/// SGD with momentum and L2 weight decay, as PyTorch's `torch.optim.SGD` defines them
/// (decay added to the gradient, then v = m v + g, w -= lr v).
public final class SGD: Optimizer {
    public let momentum: Float
    public let weightDecay: Float
    private var velocity: [ObjectIdentifier: [Float]] = [:]

    public init(momentum: Float = 0.9, weightDecay: Float = 5e-4) {
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter], learningRate: Float) {
        for p in parameters {
            var v = velocity[ObjectIdentifier(p)] ?? [Float](repeating: 0, count: p.count)
            let decay = weightDecay, m = momentum
            v.withUnsafeMutableBufferPointer { vp in
                p.gradient.withUnsafeBufferPointer { gp in
                    p.value.withUnsafeMutableBufferPointer { wp in
                        for i in 0..<wp.count {
                            let g = gp[i] + decay * wp[i]
                            vp[i] = m * vp[i] + g
                            wp[i] -= learningRate * vp[i]
                        }
                    }
                }
            }
            velocity[ObjectIdentifier(p)] = v
        }
    }
}

/// Adam (Kingma & Ba) with bias correction and optional L2 weight decay.
public final class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var moments: [ObjectIdentifier: (m: [Float], v: [Float])] = [:]
    private var steps = 0

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter], learningRate: Float) {
        steps += 1
        let c1 = 1 - pow(beta1, Float(steps)), c2 = 1 - pow(beta2, Float(steps))
        for p in parameters {
            var (m, v) = moments[ObjectIdentifier(p)] ?? (.init(repeating: 0, count: p.count), .init(repeating: 0, count: p.count))
            for i in 0..<p.count {
                let g = p.gradient[i] + weightDecay * p.value[i]
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                p.value[i] -= learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
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
