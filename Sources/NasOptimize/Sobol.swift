/// The Sobol low-discrepancy sequence (Joe & Kuo's direction numbers), optionally scrambled by
/// a random digital shift so repeated searches with different seeds do not share their designs.
/// Every prefix of 2^k points is stratified in each coordinate, which is why an initial design
/// drawn from it covers a search space better than independent random points.
public struct Sobol: Sendable {
    /// Primitive polynomial degree, its coefficients and the initial direction numbers m_i for
    /// dimensions 2, 3, ... (dimension 1 is the van der Corput sequence).
    static let table: [(degree: Int, coefficients: UInt32, m: [UInt32])] = [
        (1, 0, [1]), (2, 1, [1, 3]), (3, 1, [1, 3, 1]), (3, 2, [1, 1, 1]), (4, 1, [1, 1, 3, 3]),
        (4, 4, [1, 3, 5, 13]), (5, 2, [1, 1, 5, 5, 17]), (5, 4, [1, 1, 5, 5, 5]), (5, 7, [1, 1, 7, 11, 19]),
        (5, 11, [1, 1, 5, 1, 1]), (5, 13, [1, 1, 1, 3, 11]), (5, 14, [1, 3, 5, 5, 31]),
        (6, 1, [1, 3, 3, 9, 7, 49]), (6, 13, [1, 1, 1, 15, 21, 21]), (6, 16, [1, 3, 1, 13, 27, 49]),
        (6, 19, [1, 1, 1, 15, 7, 5]), (6, 22, [1, 3, 1, 15, 13, 25]), (6, 25, [1, 1, 5, 5, 19, 61]),
        (7, 1, [1, 3, 7, 11, 23, 15, 103]), (7, 4, [1, 3, 7, 13, 13, 15, 69]), (7, 7, [1, 1, 3, 13, 7, 35, 63]),
        (7, 8, [1, 3, 5, 9, 1, 25, 53]), (7, 14, [1, 3, 1, 13, 9, 35, 107]), (7, 19, [1, 3, 1, 5, 27, 61, 31]),
        (7, 21, [1, 1, 5, 11, 19, 41, 61]), (7, 28, [1, 3, 5, 3, 3, 13, 69]), (7, 31, [1, 1, 7, 13, 1, 19, 1]),
        (7, 32, [1, 3, 7, 5, 13, 19, 59]), (7, 37, [1, 1, 3, 9, 25, 29, 41]), (7, 41, [1, 3, 5, 13, 23, 1, 55]),
        (7, 42, [1, 3, 7, 3, 13, 59, 17]), (7, 50, [1, 3, 1, 3, 5, 53, 69]), (7, 55, [1, 1, 5, 5, 23, 33, 13]),
        (7, 56, [1, 1, 7, 7, 1, 61, 123]), (7, 59, [1, 1, 7, 9, 13, 61, 49]), (7, 62, [1, 3, 3, 5, 3, 55, 33]),
        (8, 14, [1, 3, 1, 15, 31, 13, 49, 245]), (8, 21, [1, 3, 5, 15, 31, 59, 63, 97]),
        (8, 22, [1, 3, 1, 11, 11, 11, 77, 249]), (8, 38, [1, 3, 1, 11, 27, 43, 71, 9]),
        (8, 47, [1, 1, 7, 15, 21, 11, 81, 45]), (8, 49, [1, 3, 7, 3, 25, 31, 65, 79]),
        (8, 50, [1, 3, 1, 1, 19, 11, 3, 205]), (8, 52, [1, 1, 5, 9, 19, 21, 29, 157]),
        (8, 56, [1, 3, 7, 11, 1, 33, 89, 185]), (8, 67, [1, 3, 3, 3, 15, 9, 79, 71]),
    ]

    public static var maxDimensions: Int { table.count + 1 }

    let directions: [[UInt32]]  // [dimension][bit]
    var state: [UInt32]
    var index: UInt32 = 0
    let shift: [UInt32]

    /// `seed` nil: the plain sequence; otherwise a digital shift drawn from it.
    public init(dimensions: Int, seed: UInt64? = nil) {
        precondition((1...Self.maxDimensions).contains(dimensions), "Sobol supports 1...\(Self.maxDimensions) dimensions")
        var directions: [[UInt32]] = [(0..<32).map { UInt32(1) << (31 - $0) }]
        for (degree, a, m) in Self.table.prefix(dimensions - 1) {
            var v = [UInt32](repeating: 0, count: 32)
            for i in 0..<degree { v[i] = m[i] << (31 - i) }
            for i in degree..<32 {
                var value = v[i - degree] ^ (v[i - degree] >> degree)
                for k in 1..<degree where (a >> (degree - 1 - k)) & 1 == 1 {
                    value ^= v[i - k]
                }
                v[i] = value
            }
            directions.append(v)
        }
        self.directions = directions
        state = [UInt32](repeating: 0, count: dimensions)
        if let seed {
            var z = seed
            shift = (0..<dimensions).map { _ in
                z &+= 0x9E37_79B9_7F4A_7C15
                var x = z
                x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
                x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
                return UInt32(truncatingIfNeeded: (x ^ (x >> 31)) >> 32)
            }
        } else {
            shift = [UInt32](repeating: 0, count: dimensions)
        }
    }

    /// The next point in [0, 1)^d (the first is the origin, or the shift when scrambled).
    public mutating func next() -> [Double] {
        let point = zip(state, shift).map { Double($0 ^ $1) / 4_294_967_296 }
        // Gray-code update: flip the direction of the lowest zero bit of the index.
        let bit = (~index).trailingZeroBitCount
        for d in state.indices { state[d] ^= directions[d][bit] }
        index &+= 1
        return point
    }
}
