/// The instruction models of nasbook's exported C on the Cortex-M0+, M4 and M7 (see
/// `InstructionModel`, `KernelWork`): per kernel and weight width, coefficients for the counts
/// MACs, outputs, column values, elements, call, unpaired column values, register blocks and
/// valid MACs, tail MACs and taps gathered. Fitted by `bench/mcu-bench --fit` (non-negative least squares on relative error)
/// to every op of its 13 networks at 8, 5, 4 and 2 bits , measured under QEMU 7.2 with
/// -icount on arm-none-eabi-gcc 12.2 -O2 builds (Debian's). EmbeddedTests checks the predictions
/// on networks the fit did not see. Regenerate after changing the kernels.
///
/// Cycles per instruction, an assumption (the emulator counts instructions, not cycles), for
/// code running from zero-wait-state memory or a flash accelerator/cache: Cortex-M0+ 1.4 (its
/// loads, stores and taken branches take two cycles), Cortex-M4 1.25 (loads two cycles unless
/// pipelined, SMLAD one), Cortex-M7 0.8 (dual issue).
extension InstructionModel {
    public static let cortexM0Plus = InstructionModel(
        source: "bench/mcu-bench --fit", cyclesPerInstruction: 1.4,
        coefficients: [
            "add/8": [0, 0, 0, 67.272, 0, 0, 0, 0, 0, 0],
            "conv/0": [18.276, 0, 7.623, 0, 3818.8, 0, 835.96, 0, 19.442, 39.742],
            "conv/2": [17.874, 0, 9.4671, 0, 6771.3, 0, 668.93, 0, 6.7885, 41.543],
            "conv/4": [12.368, 0, 3.2348, 0, 0, 0, 735.24, 0, 13.224, 63.293],
            "conv/8": [7.97, 27.31, 7.9774, 0, 0, 0.5771, 511.07, 0, 0, 44.064],
            "dense/0": [26.96, 293.64, 0, 0, 125.06, 0, 0, 0, 0, 0],
            "dense/2": [26.209, 295.6, 0, 0, 130.25, 0, 0, 0, 0, 0],
            "dense/4": [14.685, 273.54, 0, 0, 0, 0, 0, 0, 0, 0],
            "dense/8": [8.0559, 160.65, 0, 0, 70.541, 0, 0, 0, 0, 0],
            "depthwise/0": [13.971, 33.163, 0, 0, 14591, 0, 0, 51.335, 0, 0],
            "depthwise/2": [12.864, 0, 0, 0, 14647, 0, 188.12, 51.228, 0, 0],
            "depthwise/4": [8.9415, 64.012, 0, 0, 9672.8, 0, 0, 36.161, 0, 0],
            "depthwise/8": [5.9196, 87.103, 0, 0, 6065.3, 0, 0, 25.116, 0, 0],
            "hard_sigmoid/8": [0, 0, 0, 4.5379, 6.3089, 0, 0, 0, 0, 0],
            "hard_swish/8": [0, 0, 0, 4.5037, 8.747, 0, 0, 0, 0, 0],
            "max_pool/8": [0, 0, 0, 26.823, 622.84, 0, 0, 0, 0, 0],
            "mean/8": [0, 0, 0, 12.778, 994.1, 0, 0, 0, 0, 0],
            "mul/8": [0, 0, 0, 84.903, 0, 0, 0, 0, 0, 0],
            "pointwise/0": [25.498, 290.4, 0, 0, 0, 0, 149.63, 0, 0, 0],
            "pointwise/2": [24.548, 333.37, 0, 0, 111.21, 0, 87.367, 0, 0, 0],
            "pointwise/4": [15.001, 195.39, 0, 0, 0, 0, 147.61, 0, 0, 0],
            "pointwise/8": [7.9927, 124.04, 0, 0, 0, 0, 156.23, 0, 0, 0],
        ])
    public static let cortexM4 = InstructionModel(
        source: "bench/mcu-bench --fit", cyclesPerInstruction: 1.25,
        coefficients: [
            "add/8": [0, 0, 0, 21.75, 87.739, 0, 0, 0, 0, 0],
            "conv/0": [8.6222, 0, 8.3079, 0, 4439.8, 0.28562, 429.18, 0, 27.87, 40.2],
            "conv/2": [1.5411, 0, 4.2553, 0, 987.35, 11.03, 343.07, 0, 13.788, 25.037],
            "conv/4": [1.9368, 0, 8.2559, 0, 368.8, 7.1831, 280.13, 0, 14.495, 33.564],
            "conv/8": [1.1483, 0, 7.1504, 0, 1119, 7.4237, 232.26, 0, 3.0667, 38.548],
            "dense/0": [20.147, 164.39, 0, 0, 114.45, 0, 0, 0, 0, 0],
            "dense/2": [19.236, 155.31, 0, 0, 92.088, 0, 23.481, 0, 0, 0],
            "dense/4": [11.016, 154, 0, 0, 0, 0, 0, 0, 0, 0],
            "dense/8": [2.2525, 18.251, 0, 0, 39.879, 0, 113.92, 0, 0, 0],
            "depthwise/0": [8.9818, 0, 0, 0, 10020, 0, 0, 34.141, 0, 0],
            "depthwise/2": [8.2592, 0, 0, 0, 9937.1, 0, 0, 33.875, 0, 0],
            "depthwise/4": [6.3432, 11.768, 0, 0, 6354.7, 0, 0, 22.999, 0, 0],
            "depthwise/8": [0, 57.763, 0, 0, 147.78, 0, 0, 5.5233, 0, 0],
            "hard_sigmoid/8": [0, 0, 0, 3.0695, 1.0145, 0, 0, 0, 0, 0],
            "hard_swish/8": [0, 0, 0, 3.0013, 6.0529, 0, 0, 0, 0, 0],
            "max_pool/8": [0, 0, 0, 18.798, 490.12, 0, 0, 0, 0, 0],
            "mean/8": [0, 0, 0, 8.9582, 399.39, 0, 0, 0, 0, 0],
            "mul/8": [0, 0, 0, 24.74, 82.834, 0, 0, 0, 0, 0],
            "pointwise/0": [18.747, 186.52, 0, 0, 42.176, 0, 92.065, 0, 0, 0],
            "pointwise/2": [17.869, 185.99, 0, 0, 43.679, 0, 91.346, 0, 0, 0],
            "pointwise/4": [11.499, 100.27, 0, 0, 37.998, 0, 92.524, 0, 0, 0],
            "pointwise/8": [2.248, 3.8251, 0, 0, 40.992, 0, 132.45, 0, 0, 0],
        ])
    public static let cortexM7 = InstructionModel(
        source: "bench/mcu-bench --fit", cyclesPerInstruction: 0.8,
        coefficients: [
            "add/8": [0, 0, 0, 19.93, 162.69, 0, 0, 0, 0, 0],
            "conv/0": [8.6123, 0, 8.6657, 0, 4455.3, 0, 424.43, 0, 27.784, 40.267],
            "conv/2": [1.5114, 0, 4.5004, 0, 1026.7, 10.774, 331.7, 0, 13.866, 25.204],
            "conv/4": [1.8658, 0, 8.6287, 0, 517.77, 6.7663, 270.64, 0, 14.455, 33.499],
            "conv/8": [1.1426, 0, 7.4152, 0, 1154.1, 7.053, 227.21, 0, 3.1111, 38.793],
            "dense/0": [20.133, 163.92, 0, 0, 103.94, 0, 0, 0, 0, 0],
            "dense/2": [19.308, 159.53, 0, 0, 109.93, 0, 0, 0, 0, 0],
            "dense/4": [11.028, 151.82, 0, 0, 0, 0, 0, 0, 0, 0],
            "dense/8": [2.269, 16.39, 0, 0, 45.04, 0, 109.75, 0, 0, 0],
            "depthwise/0": [9.0535, 0, 0, 0, 9906.9, 0, 0, 33.801, 0, 0],
            "depthwise/2": [8.4295, 0, 0, 0, 9710.2, 0, 0, 33.173, 0, 0],
            "depthwise/4": [6.3183, 8.6433, 0, 0, 6440.5, 0, 0, 23.266, 0, 0],
            "depthwise/8": [0, 0, 0, 0, 174.69, 0, 221.68, 5.5758, 0, 0],
            "hard_sigmoid/8": [0, 0, 0, 3.0541, 5.9836, 0, 0, 0, 0, 0],
            "hard_swish/8": [0, 0, 0, 3.0015, 7.0842, 0, 0, 0, 0, 0],
            "max_pool/8": [0, 0, 0, 18.527, 450.04, 0, 0, 0, 0, 0],
            "mean/8": [0, 0, 0, 8.9399, 394.48, 0, 0, 0, 0, 0],
            "mul/8": [0, 0, 0, 24.543, 16.886, 0, 0, 0, 0, 0],
            "pointwise/0": [18.739, 186.28, 0, 0, 2.2342, 0, 84.689, 0, 0, 0],
            "pointwise/2": [17.902, 177.67, 0, 0, 0, 0, 95.91, 0, 0, 0],
            "pointwise/4": [11.49, 102.19, 0, 0, 2.382, 0, 84.8, 0, 0, 0],
            "pointwise/8": [2.2487, 1.5333, 0, 0, 39.634, 0, 135, 0, 0, 0],
        ])
}
