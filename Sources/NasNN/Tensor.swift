/// A dense float32 tensor. Layout is channels-last: images are [N, H, W, C], sequences [N, T, C],
/// features [N, F]. Channels-last keeps a pixel's channels contiguous, which is what im2col,
/// depthwise convolutions and the microcontroller kernels all want.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not match \(data.count) values")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// For outputs a kernel overwrites completely: skips zero-filling.
    init(uninitialized shape: [Int]) {
        self.shape = shape
        let n = shape.reduce(1, *)
        self.data = [Float](unsafeUninitializedCapacity: n) { _, count in count = n }
    }

    public var count: Int { data.count }

    /// Elementwise product with a mask or scale of the same size (dropout, straight-through gradients).
    func scaled(by factors: [Float]) -> Tensor {
        Tensor(shape: shape, data: zip(data, factors).map { $0 * $1 })
    }
    /// The leading (batch) dimension.
    public var batch: Int { shape[0] }
    /// Values per sample.
    public var sampleSize: Int { shape.dropFirst().reduce(1, *) }
}

/// Spatial view of a per-sample shape: [H, W, C], or [T, C] seen as [1, T, C] so 1-D layers are
/// 2-D layers with a height of one.
struct Spatial: Equatable {
    var height: Int
    var width: Int
    var channels: Int

    init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    init(_ sample: [Int]) throws {
        switch sample.count {
        case 3: self.init(height: sample[0], width: sample[1], channels: sample[2])
        case 2: self.init(height: 1, width: sample[0], channels: sample[1])
        default: throw ShapeError("expected an image [H, W, C] or a sequence [T, C], got \(sample)")
        }
    }

    var positions: Int { height * width }

    /// The per-sample shape with the same rank as `like`.
    func shape(like sample: [Int]) -> [Int] {
        sample.count == 2 ? [width, channels] : [height, width, channels]
    }
}

/// A layer was given an input it cannot take; the message says what it expected.
public struct ShapeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}
