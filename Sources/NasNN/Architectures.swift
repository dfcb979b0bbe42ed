/// The model families a search space can describe, built from a few hyperparameters.
/// Every builder takes a generator so weights depend only on the seed.
public enum Architectures {
    /// Conv (+BN) + ReLU stages, doubling `width` each stage, max-pooling between stages, then
    /// global average pooling and a classifier. Rank-2 inputs [T, C] give the 1-D variant.
    public static func plainCNN(input: [Int], classes: Int, width: Int = 16, depth: Int = 3, kernel: Int = 3,
                                batchNorm: Bool = true, dropout: Float = 0, seed: UInt64,
                                rng: inout some RandomNumberGenerator) throws -> Model {
        try require(depth >= 1, "depth must be at least 1")
        try require(width >= 1, "width must be at least 1")
        let oneD = input.count == 2
        var layers: [Layer] = []
        var channels = input.last ?? 1
        for stage in 0..<depth {
            let out = width << min(stage, 6)
            layers.append(Conv2D(inChannels: channels, outChannels: out, kernel: kernel, bias: !batchNorm,
                                 oneDimensional: oneD, rng: &rng))
            if batchNorm { layers.append(BatchNorm(channels: out)) }
            layers.append(Activation(.relu))
            if stage < depth - 1 { layers.append(Pool(.max, size: 2, oneDimensional: oneD)) }
            channels = out
        }
        layers.append(GlobalAvgPool())
        if dropout > 0 { layers.append(Dropout(rate: dropout, seed: seed)) }
        layers.append(Dense(inFeatures: channels, outFeatures: classes, rng: &rng))
        return try Model(name: oneD ? "cnn1d" : "cnn", inputShape: input, classes: classes, layers: layers)
    }

    /// A multilayer perceptron for feature vectors (CSV rows, 1-D `.npy` samples, or any input
    /// flattened): `layers` hidden stages of dense `units` (+BN) + ReLU (+dropout), then a
    /// classifier. The dense stack of MLPerf Tiny's anomaly-detection model (128 units, BN, ReLU)
    /// and of most sensor-feature classifiers; on a microcontroller each stage is one
    /// FULLY_CONNECTED op with batch norm folded and ReLU fused.
    public static func mlp(input: [Int], classes: Int, units: Int = 128, layers hidden: Int = 3, batchNorm: Bool = true,
                           dropout: Float = 0, seed: UInt64, rng: inout some RandomNumberGenerator) throws -> Model {
        try require(units >= 1, "units must be at least 1")
        try require(hidden >= 1, "layers must be at least 1")
        try require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)")
        var layers: [Layer] = input.count > 1 ? [Flatten()] : []
        var features = input.reduce(1, *)
        for stage in 0..<hidden {
            layers.append(Dense(inFeatures: features, outFeatures: units, rng: &rng))
            if batchNorm { layers.append(BatchNorm(channels: units)) }
            layers.append(Activation(.relu))
            // Each dropout layer draws its own masks: the seed differs per stage.
            if dropout > 0 { layers.append(Dropout(rate: dropout, seed: seed &+ UInt64(stage))) }
            features = units
        }
        layers.append(Dense(inFeatures: features, outFeatures: classes, rng: &rng))
        return try Model(name: "mlp", inputShape: input, classes: classes, layers: layers)
    }

    /// ResNet after MLPerf Tiny's ResNet-8: a 3x3 stem, `stacks` stacks of `blocks` basic blocks
    /// (filters width, 2 width, 4 width...; stride 2 from the second stack; a 1x1 convolution on
    /// the shortcut when the shape changes, without BN as in the reference), pooling, classifier.
    /// Defaults give ResNet-8 (about 78k parameters on 32x32x3, 10 classes).
    public static func resnet(input: [Int], classes: Int, width: Int = 16, stacks: Int = 3, blocks: Int = 1,
                              rng: inout some RandomNumberGenerator) throws -> Model {
        try require(input.count == 3, "resnet needs image input [H, W, C], got \(input)")
        try require(stacks >= 1 && blocks >= 1, "stacks and blocks must be at least 1")
        var layers: [Layer] = [Conv2D(inChannels: input[2], outChannels: width, kernel: 3, rng: &rng),
                               BatchNorm(channels: width), Activation(.relu)]
        var channels = width
        for stack in 0..<stacks {
            let filters = width << min(stack, 6)
            for block in 0..<blocks {
                let stride = stack > 0 && block == 0 ? 2 : 1
                let body: [Layer] = [
                    Conv2D(inChannels: channels, outChannels: filters, kernel: 3, stride: stride, rng: &rng),
                    BatchNorm(channels: filters), Activation(.relu),
                    Conv2D(inChannels: filters, outChannels: filters, kernel: 3, rng: &rng),
                    BatchNorm(channels: filters),
                ]
                let shortcut: [Layer] = stride != 1 || channels != filters
                    ? [Conv2D(inChannels: channels, outChannels: filters, kernel: 1, stride: stride, padding: 0, rng: &rng)] : []
                layers += [Residual(body: body, shortcut: shortcut), Activation(.relu)]
                channels = filters
            }
        }
        layers += [GlobalAvgPool(), Dense(inFeatures: channels, outFeatures: classes, rng: &rng)]
        return try Model(name: "resnet", inputShape: input, classes: classes, layers: layers)
    }

    /// One MobileNetV3 inverted-residual block: 1x1 expand, depthwise k x k, optional SE,
    /// 1x1 project (linear); a skip when stride is 1 and channels match.
    public struct InvertedResidual: Sendable, Equatable {
        public var expansion: Int
        public var outChannels: Int
        public var kernel: Int
        public var stride: Int
        public var squeezeExcite: Bool
        public var hardSwish: Bool
    }

    /// MobileNetV3-Small's block table, for small inputs.
    public static let mobileNetV3Blocks: [InvertedResidual] = [
        .init(expansion: 1, outChannels: 16, kernel: 3, stride: 2, squeezeExcite: true, hardSwish: false),
        .init(expansion: 4, outChannels: 24, kernel: 3, stride: 2, squeezeExcite: false, hardSwish: false),
        .init(expansion: 3, outChannels: 24, kernel: 3, stride: 1, squeezeExcite: false, hardSwish: false),
        .init(expansion: 4, outChannels: 40, kernel: 5, stride: 2, squeezeExcite: true, hardSwish: true),
        .init(expansion: 6, outChannels: 40, kernel: 5, stride: 1, squeezeExcite: true, hardSwish: true),
        .init(expansion: 3, outChannels: 48, kernel: 5, stride: 1, squeezeExcite: true, hardSwish: true),
        .init(expansion: 6, outChannels: 96, kernel: 5, stride: 2, squeezeExcite: true, hardSwish: true),
    ]

    /// MobileNetV3-style network: the first `blocks` rows of the table, channels scaled by `width`.
    public static func mobileNetV3(input: [Int], classes: Int, width: Double = 1, blocks: Int = 5,
                                   rng: inout some RandomNumberGenerator) throws -> Model {
        try require(input.count == 3, "mobilenet needs image input [H, W, C], got \(input)")
        try require(blocks >= 1 && blocks <= mobileNetV3Blocks.count, "blocks must be 1...\(mobileNetV3Blocks.count)")
        try require(width > 0, "width must be positive")
        func scaled(_ c: Int) -> Int { max(8, Int((Double(c) * width / 8).rounded()) * 8) }
        var channels = scaled(16)
        var layers: [Layer] = [Conv2D(inChannels: input[2], outChannels: channels, kernel: 3, stride: 2, bias: false, rng: &rng),
                               BatchNorm(channels: channels), Activation(.hardSwish)]
        for spec in mobileNetV3Blocks.prefix(blocks) {
            let out = scaled(spec.outChannels), hidden = channels * spec.expansion
            let act = { Activation(spec.hardSwish ? .hardSwish : .relu) }
            var body: [Layer] = []
            if spec.expansion != 1 {
                body += [Conv2D(inChannels: channels, outChannels: hidden, kernel: 1, padding: 0, bias: false, rng: &rng),
                         BatchNorm(channels: hidden), act()]
            }
            body += [Conv2D(inChannels: hidden, outChannels: hidden, kernel: spec.kernel, stride: spec.stride,
                            groups: hidden, bias: false, rng: &rng),
                     BatchNorm(channels: hidden), act()]
            if spec.squeezeExcite { body.append(SqueezeExcite(channels: hidden, rng: &rng)) }
            body += [Conv2D(inChannels: hidden, outChannels: out, kernel: 1, padding: 0, bias: false, rng: &rng),
                     BatchNorm(channels: out)]
            if spec.stride == 1 && channels == out {
                layers.append(Residual(body: body))
            } else {
                layers.append(Sequential(body, kind: "InvertedResidual"))
            }
            channels = out
        }
        let head = channels * 6
        layers += [Conv2D(inChannels: channels, outChannels: head, kernel: 1, padding: 0, bias: false, rng: &rng),
                   BatchNorm(channels: head), Activation(.hardSwish), GlobalAvgPool(),
                   Dense(inFeatures: head, outFeatures: classes, rng: &rng)]
        return try Model(name: "mobilenet", inputShape: input, classes: classes, layers: layers)
    }

    /// DS-CNN for keyword spotting after MLPerf Tiny: a 10x4 stride-2 convolution, `blocks`
    /// depthwise-separable blocks (3x3 depthwise + 1x1 pointwise, each with BN and ReLU),
    /// pooling and a classifier. Defaults suit 49x10x1 MFCC input with 12 classes (~24k params).
    public static func dsCNN(input: [Int], classes: Int, filters: Int = 64, blocks: Int = 4,
                             rng: inout some RandomNumberGenerator) throws -> Model {
        try require(input.count == 3, "dscnn needs input [H, W, C] (e.g. 49x10x1 MFCC), got \(input)")
        let kh = min(10, input[0]), kw = min(4, input[1])
        var layers: [Layer] = [Conv2D(inChannels: input[2], outChannels: filters, kernel: (kh, kw), stride: 2,
                                      padding: ((kh - 1) / 2, (kw - 1) / 2), rng: &rng),
                               BatchNorm(channels: filters), Activation(.relu)]
        for _ in 0..<blocks {
            layers += [Conv2D(inChannels: filters, outChannels: filters, kernel: 3, groups: filters, rng: &rng),
                       BatchNorm(channels: filters), Activation(.relu),
                       Conv2D(inChannels: filters, outChannels: filters, kernel: 1, padding: 0, rng: &rng),
                       BatchNorm(channels: filters), Activation(.relu)]
        }
        layers += [GlobalAvgPool(), Dense(inFeatures: filters, outFeatures: classes, rng: &rng)]
        return try Model(name: "dscnn", inputShape: input, classes: classes, layers: layers)
    }

    private static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ShapeError(message()) }
    }
}
