import Foundation
import NasCore

extension Synthetic {
    /// The classes of `motion`, in label order.
    public static let motionClassNames = ["idle", "walk", "run", "jump", "wave", "circle"]

    /// The sampling rate `motion` pretends to record at, in Hz: a common rate for wrist and
    /// hip accelerometers in activity recognition, so `length` 128 is a 2.56 s window.
    public static let motionSampleRate: Float = 50

    /// Accelerometer-like windows [length, channels] in units of g, one activity per window.
    ///
    /// Each activity has its own rhythm (step, stride, jump or arm frequency), its own energy per
    /// axis and its own phase relations between axes (walking bounces vertically with a lateral
    /// sway at half the step rate; arm circles put x and y 90° apart). Every window then varies
    /// the things a real recording varies: the start of the window within the cycle, the tempo
    /// (a base frequency drawn from a range that overlaps the neighbouring activity's, drifting
    /// slowly within the window), the effort (amplitude ±40 %), how the sensor sits (turned any
    /// way about the vertical, tilted up to 25°) and the sensor's noise level.
    ///
    /// Channels 0, 1, 2 are the x (forward), y (lateral) and z (vertical) axes; with fewer
    /// channels the first ones are kept, and channels from 3 on are gyroscope-like rates of
    /// change of axis `channel % 3`, so a 6-channel window resembles an IMU.
    public static func motion(count: Int, length: Int = 128, channels: Int = 3, seed: UInt64,
                              shouldStop: () -> Bool = { false }) -> Dataset {
        precondition(length >= 8, "motion: length must be at least 8 samples, got \(length)")
        precondition(channels >= 1, "motion: needs at least one channel")
        return generate(name: "motion", count: count, sampleShape: [length, channels],
                        classNames: motionClassNames, seed: seed, shouldStop: shouldStop) { label, rng, sample in
            renderMotion(activity: MotionActivity(rawValue: label)!, length: length, channels: channels,
                         rng: &rng, into: sample)
        }
    }

    private static func renderMotion(activity: MotionActivity, length: Int, channels: Int,
                                     rng: inout SeededGenerator, into sample: UnsafeMutableBufferPointer<Float>) {
        let effort = rng.uniform(0.6, 1.4)
        let baseFrequency = activity.frequencyRange.lowerBound
            + (activity.frequencyRange.upperBound - activity.frequencyRange.lowerBound) * rng.nextFloat()
        let startPhase = rng.uniform(0, 2 * Float.pi)
        // Tempo drift: f(t) = f0·(1 + drift·sin(2πt/period + ψ)), integrated in closed form below.
        let drift = rng.uniform(0, 0.08)
        let driftPeriod = rng.uniform(1.5, 4)
        let driftPhase = rng.uniform(0, 2 * Float.pi)
        let pitch = rng.uniform(-25, 25) * Float.pi / 180
        let roll = rng.uniform(-25, 25) * Float.pi / 180
        let gravity = SIMD3<Float>(sin(pitch), -sin(roll) * cos(pitch), cos(roll) * cos(pitch))
        // How the device sits around the vertical axis (a phone in a pocket, a watch on either
        // wrist): the horizontal motion lands on x and y in any proportion.
        let heading = rng.uniform(0, 2 * Float.pi)
        let (headingCos, headingSin) = (cos(heading), sin(heading))
        let detail = rng.uniform(0, 2 * Float.pi)
        let clockwise: Float = rng.chance(0.5) ? 1 : -1
        let noise = rng.uniform(0.03, 0.12)

        withUnsafeTemporaryAllocation(of: SIMD3<Float>.self, capacity: length) { axes in
            for n in 0..<length {
                let t = Float(n) / motionSampleRate
                let wobble = cos(2 * Float.pi * t / driftPeriod + driftPhase) - cos(driftPhase)
                let phase = startPhase + 2 * Float.pi * baseFrequency * (t - drift * driftPeriod / (2 * Float.pi) * wobble)
                let body = activity.acceleration(phase: phase, detail: detail, clockwise: clockwise)
                let turned = SIMD3(headingCos * body.x - headingSin * body.y, headingSin * body.x + headingCos * body.y, body.z)
                axes[n] = gravity + effort * turned
            }
            for n in 0..<length {
                for c in 0..<channels {
                    let axis = c % 3
                    let value: Float
                    if c < 3 {
                        value = axes[n][axis]
                    } else {
                        // Central difference (one-sided at the ends), scaled to a comparable range.
                        let before = axes[max(n - 1, 0)][axis]
                        let after = axes[min(n + 1, length - 1)][axis]
                        let step = Float(min(n + 1, length - 1) - max(n - 1, 0))
                        value = (after - before) / step * motionSampleRate * 0.1
                    }
                    sample[n * channels + c] = value + noise * rng.nextNormal()
                }
            }
        }
    }
}

private enum MotionActivity: Int32 {
    case idle, walk, run, jump, wave, circle

    /// The cycle rate in Hz: steps for walk and run, jumps, arm swings or arm circles.
    var frequencyRange: ClosedRange<Float> {
        switch self {
        case .idle: return 0.15...0.4
        case .walk: return 1.5...2.4
        case .run: return 2.2...3.2
        case .jump: return 0.8...1.3
        case .wave: return 1.5...3.0
        case .circle: return 0.6...1.2
        }
    }

    /// Body acceleration (x forward, y lateral, z vertical; gravity excluded) at a cycle phase.
    /// `detail` is a per-window phase for secondary components, `clockwise` ±1 the circle sense.
    func acceleration(phase: Float, detail: Float, clockwise: Float) -> SIMD3<Float> {
        switch self {
        case .idle:
            // Standing: slow postural sway only.
            return SIMD3(0.03 * sin(phase), 0.02 * sin(1.7 * phase + detail), 0.01 * sin(0.6 * phase))
        case .walk:
            // Vertical bounce per step with a heel-strike harmonic; forward surge leads by 90°;
            // lateral sway once per stride (every other step).
            return SIMD3(0.2 * sin(phase + Float.pi / 2),
                         0.12 * sin(0.5 * phase + detail),
                         0.35 * sin(phase) + 0.12 * sin(2 * phase + 0.5))
        case .run:
            // Like walking but harder: larger bounce and sharp impacts (strong harmonics).
            return SIMD3(0.45 * sin(phase + Float.pi / 3),
                         0.25 * sin(0.5 * phase + detail),
                         0.9 * sin(phase) + 0.35 * sin(2 * phase) + 0.15 * sin(3 * phase))
        case .jump:
            // Per jump: free fall (cancelling gravity) for the first 35 % of the cycle, a landing
            // spike right after, and a push-off spike before the next take-off.
            let cycle = phase / (2 * Float.pi)
            let p = cycle - cycle.rounded(.down)
            let flight: Float = p < 0.35 ? -0.95 : 0
            let landing = 2.0 * exp(-((p - 0.4) * (p - 0.4)) / (2 * 0.04 * 0.04))
            let pushOff = 1.2 * exp(-((p - 0.9) * (p - 0.9)) / (2 * 0.06 * 0.06))
            return SIMD3(0.05 * sin(phase + detail), 0.05 * sin(2 * phase), flight + landing + pushOff)
        case .wave:
            // Side-to-side hand wave: lateral dominant, a little forward motion at twice the rate.
            return SIMD3(0.15 * sin(2 * phase), 0.6 * sin(phase), 0.1 * sin(phase + detail))
        case .circle:
            // Arm circles in the x-y plane: x and y 90° apart, in either sense.
            return SIMD3(0.5 * cos(phase), 0.5 * clockwise * sin(phase), 0.08 * sin(2 * phase + detail))
        }
    }
}
