import CNasKernels

/// Fully connected layer over [N, F]; weights are [F, O].
public final class Dense: Layer {
    public let kind = "Dense"
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter
    public var needsInputGradient = true
    private var input: Tensor?

    public init(inFeatures: Int, outFeatures: Int, rng: inout some RandomNumberGenerator) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter(name: "weight", shape: [inFeatures, outFeatures],
                           value: Initialization.classifier(count: inFeatures * outFeatures, fanIn: inFeatures, &rng), isWeight: true)
        bias = Parameter(name: "bias", shape: [outFeatures], value: .init(repeating: 0, count: outFeatures), isWeight: false)
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func outputShape(_ input: [Int]) throws -> [Int] {
        guard input == [inFeatures] else {
            throw ShapeError("Dense expects [\(inFeatures)] features per sample, got \(input); add Flatten or GlobalAvgPool first")
        }
        return [outFeatures]
    }

    public func macs(_ input: [Int]) -> Int { inFeatures * outFeatures }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        if training { input = x }
        var y = Tensor(zeros: [x.batch, outFeatures])
        for n in 0..<x.batch { y.data.replaceSubrange(n * outFeatures ..< (n + 1) * outFeatures, with: bias.value) }
        x.data.withUnsafeBufferPointer { xp in
            weight.value.withUnsafeBufferPointer { wp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    nas_sgemm(Int32(x.batch), Int32(outFeatures), Int32(inFeatures), xp.baseAddress!, inFeatures, 1,
                              wp.baseAddress!, outFeatures, 1, yp.baseAddress!, outFeatures, 1)
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Dense.backward without a training forward") }
        var dx = Tensor(zeros: needsInputGradient ? x.shape : [0])
        x.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { dp in
                weight.gradient.withUnsafeMutableBufferPointer { gp in
                    nas_sgemm(Int32(inFeatures), Int32(outFeatures), Int32(x.batch), xp.baseAddress!, 1, inFeatures,
                              dp.baseAddress!, outFeatures, 1, gp.baseAddress!, outFeatures, 1)
                }
                if needsInputGradient {
                    weight.value.withUnsafeBufferPointer { wp in
                        dx.data.withUnsafeMutableBufferPointer { dxp in
                            nas_sgemm(Int32(x.batch), Int32(inFeatures), Int32(outFeatures), dp.baseAddress!, outFeatures, 1,
                                      wp.baseAddress!, 1, outFeatures, dxp.baseAddress!, inFeatures, 0)
                        }
                    }
                }
                bias.gradient.withUnsafeMutableBufferPointer { bp in
                    for n in 0..<x.batch {
                        for j in 0..<outFeatures { bp[j] += dp[n * outFeatures + j] }
                    }
                }
            }
        }
        input = nil
        return dx
    }
}
