import Foundation

/// Elementwise nonlinearities. One layer type with a function choice, because they differ only
/// in f and f' and the microcontroller export handles them the same way.
public final class Activation: Layer {
    public enum Function: String, Sendable, CaseIterable {
        case relu = "ReLU", relu6 = "ReLU6", hardSwish = "HardSwish", sigmoid = "Sigmoid", hardSigmoid = "HardSigmoid"
    }

    public let function: Function
    public var kind: String { function.rawValue }
    public var needsInputGradient = true
    private var input: Tensor?

    public init(_ function: Function) {
        self.function = function
    }

    public func outputShape(_ input: [Int]) throws -> [Int] { input }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        if training { input = x }
        var y = x
        let f = function
        y.data.withUnsafeMutableBufferPointer { p in
            let b = p.baseAddress!
            Parallel.chunks(p.count) { range, _ in
                for i in range { b[i] = Self.apply(f, b[i]) }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("\(kind).backward without a training forward") }
        var dx = dy
        let f = function
        x.data.withUnsafeBufferPointer { xp in
            dx.data.withUnsafeMutableBufferPointer { dp in
                let xb = xp.baseAddress!, db = dp.baseAddress!
                Parallel.chunks(dp.count) { range, _ in
                    for i in range { db[i] *= Self.derivative(f, xb[i]) }
                }
            }
        }
        input = nil
        return dx
    }

    @inline(__always)
    static func apply(_ f: Function, _ v: Float) -> Float {
        switch f {
        case .relu: return max(v, 0)
        case .relu6: return min(max(v, 0), 6)
        case .hardSwish: return v * min(max(v + 3, 0), 6) / 6
        case .sigmoid: return 1 / (1 + Foundation.exp(-v))
        case .hardSigmoid: return min(max(v + 3, 0), 6) / 6
        }
    }

    @inline(__always)
    static func derivative(_ f: Function, _ v: Float) -> Float {
        switch f {
        case .relu: return v > 0 ? 1 : 0
        case .relu6: return v > 0 && v < 6 ? 1 : 0
        case .hardSwish: return v <= -3 ? 0 : (v >= 3 ? 1 : (2 * v + 3) / 6)
        case .sigmoid:
            let s = 1 / (1 + Foundation.exp(-v))
            return s * (1 - s)
        case .hardSigmoid: return v > -3 && v < 3 ? 1 / 6 : 0
        }
    }
}

