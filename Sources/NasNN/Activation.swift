import CNasKernels
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
        var y = Tensor(uninitialized: x.shape)
        let f = function
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                let src = xp.baseAddress!, dst = yp.baseAddress!
                Parallel.chunks(xp.count, work: xp.count) { range, _ in
                    // One loop per function so each vectorizes.
                    switch f {
                    case .relu: nas_relu_forward(src + range.lowerBound, dst + range.lowerBound, range.count, .infinity)
                    case .relu6: nas_relu_forward(src + range.lowerBound, dst + range.lowerBound, range.count, 6)
                    case .hardSwish: for i in range { dst[i] = src[i] * min(max(src[i] + 3, 0), 6) * (1 / 6) }
                    case .hardSigmoid: for i in range { dst[i] = min(max(src[i] + 3, 0), 6) * (1 / 6) }
                    case .sigmoid: for i in range { dst[i] = 1 / (1 + Foundation.exp(-src[i])) }
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("\(kind).backward without a training forward") }
        var dx = Tensor(uninitialized: dy.shape)
        let f = function
        x.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { gp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    let xb = xp.baseAddress!, g = gp.baseAddress!, d = dp.baseAddress!
                    Parallel.chunks(dp.count, work: dp.count) { range, _ in
                        switch f {
                        case .relu:
                            nas_relu_backward(xb + range.lowerBound, g + range.lowerBound, d + range.lowerBound, range.count, .infinity)
                        case .relu6:
                            nas_relu_backward(xb + range.lowerBound, g + range.lowerBound, d + range.lowerBound, range.count, 6)
                        default: for i in range { d[i] = g[i] * Self.derivative(f, xb[i]) }
                        }
                    }
                }
            }
        }
        input = nil
        return dx
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

