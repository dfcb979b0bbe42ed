/// The instruction models of nasbook's exported C on the Cortex-M0+, M4 and M7 (see
/// `InstructionModel`, `KernelWork`): per kernel and weight width, coefficients for the counts
/// MACs, outputs, column values, elements, call, unpaired column values, register blocks and
/// valid MACs, tail MACs and taps gathered. Fitted by `bench/mcu-bench --fit` (non-negative
/// least squares on relative error) to every dense-stored op of its 14 networks at 8, 5, 4 and
/// 2 bits (layers stored as a bitmap of non-zeros run the sparse kernels, not fitted),
/// measured under QEMU 7.2 with -icount on arm-none-eabi-gcc 12.2 -O2 builds (Debian's).
/// EmbeddedTests checks the predictions on networks the fit did not see. Regenerate after
/// changing the kernels.
///
/// Cycles per instruction, an assumption (the emulator counts instructions, not cycles), for
/// code running from zero-wait-state memory or a flash accelerator/cache: Cortex-M0+ 1.4 (its
/// loads, stores and taken branches take two cycles), Cortex-M4 1.25 (loads two cycles unless
/// pipelined, SMLAD one), Cortex-M7 0.8 (dual issue).
extension InstructionModel {
    public static let cortexM0Plus = InstructionModel(
        source: "bench/mcu-bench --fit", cyclesPerInstruction: 1.4, dsp: false,
        coefficients: [
            "add/8": [0, 0, 0, 67.39, 0, 0, 0, 0, 0, 0],
            "conv/0": [18.219, 0, 8.3866, 0, 4633.4, 0, 822.16, 0, 20.301, 39.363],
            "conv/2": [17.685, 0, 11.076, 0, 7710.7, 0, 656.32, 0, 6.9145, 41.02],
            "conv/4": [12.28, 0, 4.4237, 0, 0, 0, 730.12, 0, 13.488, 61.769],
            "conv/8": [7.9719, 27.634, 7.9468, 0, 0, 0.55888, 509.75, 0, 0, 44.058],
            "dense/0": [26.871, 293.3, 0, 0, 131.57, 0, 0, 0, 0, 0],
            "dense/2": [26.226, 293.27, 0, 0, 143.19, 0, 3.3604, 0, 0, 0],
            "dense/4": [14.685, 272.85, 0, 0, 0, 0, 0, 0, 0, 0],
            "dense/8": [8.0351, 161.72, 0, 0, 72.343, 0, 0, 0, 0, 0],
            "depthwise/0": [13.518, 0, 0, 0, 17086, 0, 41.235, 53.331, 0, 0],
            "depthwise/2": [12.26, 23.342, 0, 0, 17158, 0, 0, 53.56, 0, 0],
            "depthwise/4": [8.6017, 0, 0, 0, 11261, 0, 195.49, 37.588, 0, 0],
            "depthwise/8": [5.7912, 78.924, 0, 0, 6942.4, 0, 0, 25.761, 0, 0],
            "hard_sigmoid/8": [0, 0, 0, 4.4718, 7.3668, 0, 0, 0, 0, 0],
            "hard_swish/8": [0, 0, 0, 4.5072, 0, 0, 0, 0, 0, 0],
            "max_pool/8": [0, 0, 0, 26.821, 630.88, 0, 0, 0, 0, 0],
            "mean/8": [0, 0, 0, 12.823, 982.79, 0, 0, 0, 0, 0],
            "mul/8": [0, 0, 0, 84.885, 0, 0, 0, 0, 0, 0],
            "pointwise/0": [25.49, 291.78, 0, 0, 0, 0, 147.23, 0, 0, 0],
            "pointwise/2": [24.559, 328.88, 0, 0, 157.04, 0, 94.869, 0, 0, 0],
            "pointwise/4": [14.997, 194.13, 0, 0, 0, 0, 150.26, 0, 0, 0],
            "pointwise/8": [7.9974, 130.94, 0, 0, 25.362, 0, 142.48, 0, 0, 0],
        ])
    public static let cortexM4 = InstructionModel(
        source: "bench/mcu-bench --fit", cyclesPerInstruction: 1.25, dsp: true,
        coefficients: [
            "add/8": [0, 0, 0, 21.746, 95.534, 0, 0, 0, 0, 0],
            "conv/0": [8.8566, 1.192, 9.5225, 0, 10951, 0, 210.36, 0, 34.949, 20.482],
            "conv/2": [1.3471, 0, 3.1284, 0, 1254.3, 12.393, 378.56, 0, 11.129, 10.688],
            "conv/4": [1.4907, 0, 9.1424, 0, 840.59, 0, 230.13, 0, 20.697, 26.779],
            "conv/8": [0.82558, 0, 6.0873, 0, 2721.8, 1.1784, 100.23, 0, 0.43957, 25.243],
            "dense/0": [16.586, 0, 0, 0, 152.51, 0, 340.63, 0, 0, 0],
            "dense/2": [15.768, 0, 0, 0, 139.59, 0, 370.17, 0, 0, 0],
            "dense/4": [7.5534, 0, 0, 0, 12.448, 0, 306.93, 0, 0, 0],
            "dense/8": [2.2827, 0, 0, 0, 52.423, 0, 148.81, 0, 0, 0],
            "depthwise/0": [19.593, 0, 0, 0, 0, 0, 0, 16.487, 0, 0],
            "depthwise/2": [24.116, 66.579, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/4": [16.41, 66.707, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/8": [0, 0, 0, 0, 1590.2, 0, 298.7, 3.6436, 0, 0],
            "hard_sigmoid/8": [0, 0, 0, 3.032, 0.13699, 0, 0, 0, 0, 0],
            "hard_swish/8": [0, 0, 0, 2.9989, 11.72, 0, 0, 0, 0, 0],
            "max_pool/8": [0, 0, 0, 18.799, 487.48, 0, 0, 0, 0, 0],
            "mean/8": [0, 0, 0, 8.9423, 403.66, 0, 0, 0, 0, 0],
            "mul/8": [0, 0, 0, 24.767, 63.809, 0, 0, 0, 0, 0],
            "pointwise/0": [7.4302, 0, 5.4307, 0, 100.43, 0, 475.38, 0, 0, 0],
            "pointwise/2": [1.5029, 11.078, 1.3158, 0, 615.48, 28.927, 291.25, 0, 12.217, 0],
            "pointwise/4": [1.3321, 0, 11.56, 0, 26.291, 0, 236.74, 0, 0, 0],
            "pointwise/8": [0.81619, 0, 7.6733, 0, 284.79, 0, 100.42, 0, 0, 0],
        ])
    public static let cortexM7 = InstructionModel(
        source: "bench/mcu-bench --fit", cyclesPerInstruction: 0.8, dsp: true,
        coefficients: [
            "add/8": [0, 0, 0, 19.924, 176.11, 0, 0, 0, 0, 0],
            "conv/0": [8.8582, 5.1892, 9.4914, 0, 11055, 0, 193.54, 0, 35.121, 19.713],
            "conv/2": [1.2712, 0, 3.2214, 0, 1179.8, 12.233, 378.01, 0, 10.629, 10.207],
            "conv/4": [1.3984, 0, 9.3104, 0, 711.56, 0, 229.27, 0, 20.266, 25.746],
            "conv/8": [0.84344, 0, 5.9125, 0, 2513.5, 0.90648, 114.01, 0, 0.42531, 25.431],
            "dense/0": [16.631, 0, 0, 0, 133.41, 0, 341.46, 0, 0, 0],
            "dense/2": [15.755, 0, 0, 0, 137.29, 0, 369.52, 0, 0, 0],
            "dense/4": [7.5694, 0, 0, 0, 6.371, 0, 308.83, 0, 0, 0],
            "dense/8": [2.2649, 0, 0, 0, 55.429, 0, 149.21, 0, 0, 0],
            "depthwise/0": [25.023, 64.168, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/2": [24.247, 61.137, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/4": [16.458, 64.187, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/8": [0, 76.705, 0, 0, 1663.3, 0, 0, 3.7396, 0, 0],
            "hard_sigmoid/8": [0, 0, 0, 2.9903, 11.422, 0, 0, 0, 0, 0],
            "hard_swish/8": [0, 0, 0, 2.9981, 11.762, 0, 0, 0, 0, 0],
            "max_pool/8": [0, 0, 0, 18.527, 446.16, 0, 0, 0, 0, 0],
            "mean/8": [0, 0, 0, 8.9215, 396.91, 0, 0, 0, 0, 0],
            "mul/8": [0, 0, 0, 24.517, 30.562, 0, 0, 0, 0, 0],
            "pointwise/0": [7.4431, 0, 5.1318, 0, 112.52, 0, 474.38, 0, 0, 0],
            "pointwise/2": [1.4306, 16.269, 2.2999, 0, 537.37, 27.087, 258.4, 0, 11.952, 0],
            "pointwise/4": [1.2492, 0, 11.566, 0, 36.26, 0, 234.78, 0, 0, 0],
            "pointwise/8": [0.82054, 0, 7.2437, 0, 300.78, 0, 112.79, 0, 0, 0],
        ])
}
