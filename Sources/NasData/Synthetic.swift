import Foundation
import NasCore

/// Built-in synthetic datasets: learnable but not trivial, generated from a seed alone, so a
/// search can be benchmarked and replayed on any machine without downloading anything.
public enum Synthetic {
    /// Samples rendered between two polls of `shouldStop`.
    public static let blockSize = 4096

    /// Renders one sample of class `label` into `sample` (pre-zeroed, `sampleSize` values),
    /// drawing every random choice from `rng`.
    typealias Renderer = @Sendable (_ label: Int32, _ rng: inout SeededGenerator, _ sample: UnsafeMutableBufferPointer<Float>) -> Void

    /// The generation scheme every synthetic dataset shares: labels are dealt round-robin
    /// (class-balanced to within one sample) and shuffled, then sample `i` is rendered from its
    /// own generator derived from the seed and `i`. Because no sample's randomness depends on
    /// another's, the samples are rendered in parallel and the result is still identical
    /// whatever the core count or scheduling.
    ///
    /// Rendering goes in blocks of `blockSize` samples with `shouldStop` polled between blocks
    /// on the calling thread, so Ctrl-C stops a million-image dataset within a block; a stopped
    /// generation returns what it has (the caller reports the interruption).
    static func generate(name: String, count: Int, sampleShape: [Int], classNames: [String], seed: UInt64,
                         shouldStop: () -> Bool = { false }, render: Renderer) -> Dataset {
        precondition(count >= 0, "\(name): count must not be negative")
        var rng = SeededGenerator(seed: seed)
        var labels = (0..<count).map { Int32($0 % classNames.count) }
        rng.shuffle(&labels)
        let streams = rng
        let size = sampleShape.reduce(1, *)
        var inputs = [Float](repeating: 0, count: count * size)
        let dealt = labels
        var blockStart = 0
        while blockStart < count, !shouldStop() {
            let block = blockStart ..< min(count, blockStart + blockSize)
            let chunks = min(block.count, 8 * ProcessInfo.processInfo.activeProcessorCount)
            inputs.withUnsafeMutableBufferPointer { buffer in
                let output = DisjointWrites(base: buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let n = block.count
                    for i in (block.lowerBound + n * chunk / chunks) ..< (block.lowerBound + n * (chunk + 1) / chunks) {
                        var sampleRNG = streams.derived(stream: UInt64(i))
                        render(dealt[i], &sampleRNG, UnsafeMutableBufferPointer(start: output.base + i * size, count: size))
                    }
                }
            }
            blockStart = block.upperBound
        }
        return Dataset(name: name, sampleShape: sampleShape, inputs: inputs, labels: labels, classNames: classNames)
    }
}

/// The output buffer shared by the rendering threads. Sound because each sample's range is
/// written by exactly one iteration and read only after `concurrentPerform` returns.
private struct DisjointWrites: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}
