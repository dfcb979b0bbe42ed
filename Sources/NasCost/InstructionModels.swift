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
            "add/8": [0, 0, 0, 21.747, 92.689, 0, 0, 0, 0, 0],
            "conv/0": [8.8425, 0, 9.5341, 0, 10904, 0, 212.73, 0, 34.963, 20.488],
            "conv/2": [1.3504, 0, 3.2553, 0, 1513.7, 12.155, 374.61, 0, 12.044, 11.063],
            "conv/4": [1.4897, 0, 9.1844, 0, 839.02, 0, 233.46, 0, 21.73, 26.774],
            "conv/8": [0.96986, 0, 9.0094, 0, 2443.3, 0, 176.53, 0, 0.025404, 24.368],
            "dense/0": [16.599, 0, 0, 0, 151.34, 0, 339.85, 0, 0, 0],
            "dense/2": [15.736, 0, 0, 0, 136.51, 0, 372.79, 0, 0, 0],
            "dense/4": [7.5494, 2.667, 0, 0, 2.6985, 0, 303.58, 0, 0, 0],
            "dense/8": [2.2611, 0, 0, 0, 50.25, 0, 151.05, 0, 0, 0],
            "depthwise/0": [25.003, 66.719, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/2": [24.114, 66.604, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/4": [16.412, 66.688, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/8": [0, 74.547, 0, 0, 1587.7, 0, 0, 3.6611, 0, 0],
            "hard_sigmoid/8": [0, 0, 0, 3.0158, 7.8918, 0, 0, 0, 0, 0],
            "hard_swish/8": [0, 0, 0, 2.9963, 13.653, 0, 0, 0, 0, 0],
            "max_pool/8": [0, 0, 0, 18.797, 492.4, 0, 0, 0, 0, 0],
            "mean/8": [0, 0, 0, 8.9415, 405.5, 0, 0, 0, 0, 0],
            "mul/8": [0, 0, 0, 24.768, 59.833, 0, 0, 0, 0, 0],
            "pointwise/0": [7.4169, 0, 5.7499, 0, 101.71, 0, 471.37, 0, 0, 0],
            "pointwise/2": [1.4963, 0, 1.7403, 0, 576.76, 26.297, 328.36, 0, 13.222, 0],
            "pointwise/4": [1.3262, 0, 11.708, 0, 26.294, 0, 240.29, 0, 0, 0],
            "pointwise/8": [0.95627, 0, 8.1799, 0, 20.773, 0, 177.99, 0, 0, 0],
        ])
    public static let cortexM7 = InstructionModel(
        source: "bench/mcu-bench --fit", cyclesPerInstruction: 0.8, dsp: true,
        coefficients: [
            "add/8": [0, 0, 0, 19.928, 170.89, 0, 0, 0, 0, 0],
            "conv/0": [8.8407, 0, 9.6831, 0, 10959, 0, 206.69, 0, 34.925, 19.817],
            "conv/2": [1.2699, 0, 3.4048, 0, 1269, 12.113, 368.52, 0, 10.812, 10.657],
            "conv/4": [1.3944, 0, 9.6017, 0, 724.94, 0, 221.3, 0, 20.503, 25.837],
            "conv/8": [0.96705, 0, 9.1841, 0, 2428.7, 0, 171.02, 0, 0.0089391, 23.689],
            "dense/0": [16.616, 0, 0, 0, 143.84, 0, 339.5, 0, 0, 0],
            "dense/2": [15.735, 0, 0, 0, 130.07, 0, 372.42, 0, 0, 0],
            "dense/4": [7.5544, 0, 0, 0, 15.214, 0, 308.15, 0, 0, 0],
            "dense/8": [2.2505, 0, 0, 0, 44.052, 0, 153.12, 0, 0, 0],
            "depthwise/0": [25.018, 64.212, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/2": [24.249, 61.118, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/4": [16.46, 64.165, 0, 0, 0, 0, 0, 0, 0, 0],
            "depthwise/8": [0, 0, 0, 0, 1668.3, 0, 307.19, 3.7261, 0, 0],
            "hard_sigmoid/8": [0, 0, 0, 3.0428, 1.7661, 0, 0, 0, 0, 0],
            "hard_swish/8": [0, 0, 0, 3.0005, 9.7137, 0, 0, 0, 0, 0],
            "max_pool/8": [0, 0, 0, 18.526, 446.13, 0, 0, 0, 0, 0],
            "mean/8": [0, 0, 0, 8.9205, 396.63, 0, 0, 0, 0, 0],
            "mul/8": [0, 0, 0, 24.536, 21.04, 0, 0, 0, 0, 0],
            "pointwise/0": [7.4093, 0, 5.9203, 0, 100.31, 0, 466, 0, 0, 0],
            "pointwise/2": [1.4311, 0, 2.4967, 0, 525.18, 25.679, 310.11, 0, 12.236, 0],
            "pointwise/4": [1.2274, 0, 12.253, 0, 22.264, 0, 227.81, 0, 0, 0],
            "pointwise/8": [0.95829, 0, 8.138, 0, 26.553, 0, 172.67, 0, 0, 0],
        ])
}
