/// A 64-bit digest of everything a dataset holds: shape, class names, every label and the bits
/// of every value. Not cryptographic: it tells a stored study whether the data it trained on is
/// the data of the search resuming it (a re-generated synthetic set with another seed, a CSV
/// that was edited), so trials are never reused across datasets by accident.
extension Dataset {
    public var contentHash: UInt64 {
        var hash = ContentHasher()
        for d in sampleShape { hash.add(UInt64(d)) }
        for name in classNames {
            for byte in name.utf8 { hash.add(UInt64(byte)) }
            hash.add(0xFF)
        }
        labels.withUnsafeBufferPointer { for label in $0 { hash.add(UInt64(UInt32(bitPattern: label))) } }
        inputs.withUnsafeBufferPointer { for value in $0 { hash.add(UInt64(value.bitPattern)) } }
        return hash.value
    }
}

/// FNV-1a over 64-bit words, with a final avalanche (splitmix64's), so nearby inputs give
/// unrelated digests.
struct ContentHasher {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ word: UInt64) {
        state = (state ^ word) &* 0x0000_0100_0000_01b3
    }

    var value: UInt64 {
        var z = state &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
