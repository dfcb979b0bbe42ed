import Foundation
import NasCore

extension Synthetic {
    /// The classes of `shapes`, in label order.
    public static let shapeClassNames = [
        "circle", "square", "triangle", "cross", "ring",
        "horizontal bar", "vertical bar", "diagonal line", "diamond", "two dots",
    ]

    /// RGB images [size, size, 3] with values in 0...1: one anti-aliased geometric shape per
    /// image (the class) at a random position, scale and small rotation, on a background with a
    /// colour, a lighting gradient and a stripe texture, plus gaussian pixel noise of std `noise`.
    ///
    /// Foreground and background colours are drawn independently of the class (only their
    /// brightness must differ, so the shape is visible), and the shape may be lighter or darker
    /// than the background. So colour carries no information, and because position and polarity
    /// vary, no fixed pixel template matches a class: a linear model does poorly while a small
    /// CNN, which learns local edge and stroke detectors, does well.
    public static func shapes(count: Int, size: Int = 32, seed: UInt64, noise: Float = 0.1,
                              shouldStop: () -> Bool = { false }) -> Dataset {
        precondition(size >= 8, "shapes: size must be at least 8 pixels, got \(size)")
        precondition(noise >= 0, "shapes: noise must not be negative")
        return generate(name: "shapes", count: count, sampleShape: [size, size, 3],
                        classNames: shapeClassNames, seed: seed, shouldStop: shouldStop) { label, rng, sample in
            renderShape(label: label, size: size, noise: noise, rng: &rng, into: sample)
        }
    }

    private static func renderShape(label: Int32, size: Int, noise: Float, rng: inout SeededGenerator,
                                    into sample: UnsafeMutableBufferPointer<Float>) {
        let side = Float(size)
        let background = SIMD3<Float>(rng.nextFloat(), rng.nextFloat(), rng.nextFloat())
        let foreground = contrastingColour(to: background, rng: &rng)
        let shape = ShapeGeometry(kind: ShapeKind(rawValue: label)!, side: side, rng: &rng)

        // Lighting: a linear gradient plus a stripe texture of random period and direction.
        let gradientX = rng.uniform(-0.2, 0.2)
        let gradientY = rng.uniform(-0.2, 0.2)
        let textureAmplitude = rng.uniform(0.02, 0.1)
        let frequency = 2 * Float.pi / rng.uniform(3, 9)
        let direction = rng.uniform(0, Float.pi)
        let frequencyX = frequency * cos(direction)
        let frequencyY = frequency * sin(direction)
        let phase = rng.uniform(0, 2 * Float.pi)

        // sin(fx·x + fy·y + φ) = sin(fx·x)cos(fy·y + φ) + cos(fx·x)sin(fy·y + φ): four tables of
        // `size` entries replace a sine per pixel. After them, one row of pixel noise, drawn in
        // normal pairs (half the cost of single draws; the row length is rounded up to even).
        let rowValues = 3 * size
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * size + rowValues + 1) { table in
            for i in 0..<size {
                let t = Float(i)
                table[i] = sin(frequencyX * t)
                table[size + i] = cos(frequencyX * t)
                table[2 * size + i] = cos(frequencyY * t + phase)
                table[3 * size + i] = sin(frequencyY * t + phase)
            }
            var offset = 0
            for y in 0..<size {
                let py = Float(y) + 0.5
                let rowShade = gradientY * (py / side - 0.5)
                let rowNoise = 4 * size
                var k = 0
                while k < rowValues {
                    let (a, b) = noise > 0 ? rng.nextNormalPair() : (0, 0)
                    table[rowNoise + k] = noise * a
                    table[rowNoise + k + 1] = noise * b
                    k += 2
                }
                for x in 0..<size {
                    let px = Float(x) + 0.5
                    let texture = table[x] * table[2 * size + y] + table[size + x] * table[3 * size + y]
                    let shade = rowShade + gradientX * (px / side - 0.5) + textureAmplitude * texture
                    // Coverage from the signed distance: a one-pixel linear ramp across the edge.
                    let alpha = shape.bounds(px, py) ? min(max(0.5 - shape.distance(px, py), 0), 1) : 0
                    for c in 0..<3 {
                        let back = background[c] + shade
                        let front = foreground[c] + 0.3 * shade
                        let value = back + alpha * (front - back) + table[rowNoise + 3 * x + c]
                        sample[offset + c] = min(max(value, 0), 1)
                    }
                    offset += 3
                }
            }
        }
    }

    /// A random colour whose luminance differs from `background`'s by at least 0.3, lighter or
    /// darker as the draw falls, never depending on the class, so neither hue nor polarity
    /// identifies it.
    private static func contrastingColour(to background: SIMD3<Float>, rng: inout SeededGenerator) -> SIMD3<Float> {
        func luminance(_ c: SIMD3<Float>) -> Float { 0.299 * c.x + 0.587 * c.y + 0.114 * c.z }
        let target = luminance(background)
        for _ in 0..<64 {
            let candidate = SIMD3<Float>(rng.nextFloat(), rng.nextFloat(), rng.nextFloat())
            if abs(luminance(candidate) - target) >= 0.3 { return candidate }
        }
        // Rare (a background whose luminance leaves little room either way): a near-white or a
        // darkened version of the background contrasts by at least 0.35.
        return target < 0.5 ? SIMD3(repeating: 1) - background * 0.3 : background * 0.3
    }
}

private enum ShapeKind: Int32 {
    case circle, square, triangle, cross, ring, horizontalBar, verticalBar, diagonalLine, diamond, twoDots
}

/// One shape placed in the image: centre, half-extent, stroke half-width and rotation.
/// `distance` is a signed distance in pixels (negative inside), exact or a close bound near
/// the edge, which is all the one-pixel anti-aliasing ramp needs.
private struct ShapeGeometry {
    let kind: ShapeKind
    let centerX: Float
    let centerY: Float
    let radius: Float
    let stroke: Float
    let cosine: Float
    let sine: Float

    init(kind: ShapeKind, side: Float, rng: inout SeededGenerator) {
        self.kind = kind
        radius = rng.uniform(0.18, 0.36) * side
        centerX = rng.uniform(radius, side - radius)
        centerY = rng.uniform(radius, side - radius)
        stroke = max(1.2, 0.2 * radius)
        // Rotations stay small where orientation defines the class (bars, square vs diamond).
        let degrees: Float
        switch kind {
        case .circle, .ring, .twoDots: degrees = rng.uniform(0, 180)
        case .diagonalLine: degrees = (rng.chance(0.5) ? 45 : -45) + rng.uniform(-10, 10)
        case .triangle: degrees = rng.uniform(-15, 15)
        case .square, .cross, .horizontalBar, .verticalBar, .diamond: degrees = rng.uniform(-10, 10)
        }
        let angle = degrees * Float.pi / 180
        cosine = cos(angle)
        sine = sin(angle)
    }

    /// Whether the point is near enough to the centre to be covered: every shape reaches at
    /// most 1.2 radii out (bar and cross ends, square corners) plus its stroke and the edge ramp.
    @inline(__always)
    func bounds(_ x: Float, _ y: Float) -> Bool {
        let reach = 1.25 * radius + 2
        return abs(x - centerX) < reach && abs(y - centerY) < reach
    }

    @inline(__always)
    func distance(_ x: Float, _ y: Float) -> Float {
        let dx = x - centerX
        let dy = y - centerY
        let u = cosine * dx + sine * dy
        let v = cosine * dy - sine * dx
        let au = abs(u)
        let av = abs(v)
        switch kind {
        case .circle:
            return (u * u + v * v).squareRoot() - radius
        case .square:
            return max(au, av) - 0.8 * radius
        case .triangle:
            // Equilateral, apex up: the largest distance to its three edge lines.
            let inradius = 0.5 * radius
            let down = v - inradius
            let left = -0.866_025_4 * u - 0.5 * v - inradius
            let right = 0.866_025_4 * u - 0.5 * v - inradius
            return max(down, max(left, right))
        case .cross:
            return min(max(au - radius, av - stroke), max(au - stroke, av - radius))
        case .ring:
            return abs((u * u + v * v).squareRoot() - 0.75 * radius) - 0.8 * stroke
        case .horizontalBar:
            return max(au - radius, av - stroke)
        case .verticalBar:
            return max(au - stroke, av - radius)
        case .diagonalLine:
            return max(au - 1.15 * radius, av - 0.8 * stroke)
        case .diamond:
            // A rhombus 0.6 as wide as tall: |u|/a + |v|/b = 1, scaled to distance near the edge.
            let a = 0.6 * radius
            let b = radius
            return (au / a + av / b - 1) * (a * b / (a * a + b * b).squareRoot())
        case .twoDots:
            let gap = 0.6 * radius
            let dotRadius = max(1.5, 0.32 * radius)
            let a = ((au - gap) * (au - gap) + v * v).squareRoot()
            return a - dotRadius
        }
    }
}
