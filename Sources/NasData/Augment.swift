import NasCore

/// Which training-time augmentations to apply; all off by default.
public struct AugmentOptions: Sendable, Equatable {
    /// Mirror each image left-right with probability 1/2 (images [H, W, C] only).
    public var horizontalFlip: Bool
    /// Pad by this many zeros on every side and crop back to the original size at a random
    /// offset, i.e. shift by up to ±padding. Images shift in H and W, sequences [T, C] in time.
    public var cropPadding: Int
    /// Standard deviation of gaussian noise added to every value (any shape); 0 for none.
    public var noiseStd: Float

    public init(horizontalFlip: Bool = false, cropPadding: Int = 0, noiseStd: Float = 0) {
        precondition(cropPadding >= 0, "cropPadding must not be negative")
        precondition(noiseStd >= 0, "noiseStd must not be negative")
        self.horizontalFlip = horizontalFlip
        self.cropPadding = cropPadding
        self.noiseStd = noiseStd
    }
}

/// Training-time augmentation of a batch in place. Every random choice comes from the caller's
/// generator, in a fixed order per sample (flip, then crop offsets, then noise), so a training
/// run with a given seed sees exactly the same augmented batches every time.
public enum Augment {
    /// Augments the first `count` samples of `batch` (each `sampleShape`, laid out back to back)
    /// according to `options`.
    public static func apply(_ batch: inout [Float], sampleShape: [Int], count: Int, options: AugmentOptions,
                             rng: inout SeededGenerator) {
        let size = sampleShape.reduce(1, *)
        precondition(batch.count >= count * size, "batch holds \(batch.count) values, \(count) samples of \(sampleShape) need \(count * size)")
        precondition(!options.horizontalFlip || sampleShape.count == 3, "horizontal flip needs images [H, W, C], got \(sampleShape)")
        precondition(options.cropPadding == 0 || sampleShape.count == 2 || sampleShape.count == 3,
                     "random crop needs images [H, W, C] or sequences [T, C], got \(sampleShape)")
        guard size > 0 else { return }
        // The image case shifts in H and W; a sequence [T, C] is treated as a 1-pixel-wide
        // image [T, 1, C] shifted in T only.
        let geometry = sampleShape.count == 3 ? (sampleShape[0], sampleShape[1], sampleShape[2])
            : sampleShape.count == 2 ? (sampleShape[0], 1, sampleShape[1]) : (1, 1, size)
        let padding = options.cropPadding
        withUnsafeTemporaryAllocation(of: Float.self, capacity: size) { scratch in
            batch.withUnsafeMutableBufferPointer { values in
                for s in 0..<count {
                    let sample = UnsafeMutableBufferPointer(rebasing: values[s * size ..< (s + 1) * size])
                    if options.horizontalFlip, rng.chance(0.5) {
                        flip(sample, height: geometry.0, width: geometry.1, channels: geometry.2)
                    }
                    if padding > 0 {
                        let dy = rng.nextInt(in: -padding...padding)
                        let dx = sampleShape.count == 3 ? rng.nextInt(in: -padding...padding) : 0
                        shift(sample, by: (dy, dx), height: geometry.0, width: geometry.1, channels: geometry.2, scratch: scratch)
                    }
                    if options.noiseStd > 0 {
                        var i = 0
                        while i + 1 < size {
                            let (a, b) = rng.nextNormalPair()
                            sample[i] += options.noiseStd * a
                            sample[i + 1] += options.noiseStd * b
                            i += 2
                        }
                        if i < size { sample[i] += options.noiseStd * rng.nextNormal() }
                    }
                }
            }
        }
    }

    /// Mirrors every image of the batch left-right (deterministic: no sample is skipped).
    public static func flipHorizontally(_ batch: inout [Float], sampleShape: [Int], count: Int) {
        precondition(sampleShape.count == 3, "horizontal flip needs images [H, W, C], got \(sampleShape)")
        let size = sampleShape.reduce(1, *)
        precondition(batch.count >= count * size, "batch holds \(batch.count) values, \(count) samples of \(sampleShape) need \(count * size)")
        batch.withUnsafeMutableBufferPointer { values in
            for s in 0..<count {
                flip(UnsafeMutableBufferPointer(rebasing: values[s * size ..< (s + 1) * size]),
                     height: sampleShape[0], width: sampleShape[1], channels: sampleShape[2])
            }
        }
    }

    private static func flip(_ sample: UnsafeMutableBufferPointer<Float>, height: Int, width: Int, channels: Int) {
        for y in 0..<height {
            let row = y * width * channels
            var left = 0
            var right = width - 1
            while left < right {
                for c in 0..<channels {
                    sample.swapAt(row + left * channels + c, row + right * channels + c)
                }
                left += 1
                right -= 1
            }
        }
    }

    /// Output (y, x) takes input (y + dy, x + dx), zero where that falls outside: the same as
    /// zero-padding and cropping at offset (padding + dy, padding + dx), without the padded copy.
    private static func shift(_ sample: UnsafeMutableBufferPointer<Float>, by offset: (Int, Int),
                              height: Int, width: Int, channels: Int, scratch: UnsafeMutableBufferPointer<Float>) {
        let (dy, dx) = offset
        guard dy != 0 || dx != 0 else { return }
        _ = scratch.initialize(from: sample)
        sample.update(repeating: 0)
        let firstX = max(0, -dx)
        let endX = min(width, width - dx)
        guard firstX < endX else { return }
        let run = (endX - firstX) * channels
        for y in max(0, -dy) ..< min(height, height - dy) {
            let to = (y * width + firstX) * channels
            let from = ((y + dy) * width + firstX + dx) * channels
            for i in 0..<run { sample[to + i] = scratch[from + i] }
        }
    }
}
