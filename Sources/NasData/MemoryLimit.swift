import Foundation

/// The most memory one dataset, one file's contents or one training's tensors may take: 4 GB,
/// or `NASBOOK_MAX_MEMORY_GB` when set (to use more of a large machine, or less of a small
/// one). Checked against estimates before allocating, so an oversized request is an error that
/// names this limit, not a process the kernel kills.
public enum MemoryLimit {
    public static var bytes: Double {
        if let text = ProcessInfo.processInfo.environment["NASBOOK_MAX_MEMORY_GB"], let gb = Double(text), gb > 0, gb < 1e6 {
            return gb * 1_073_741_824
        }
        return 4 * 1_073_741_824
    }

    /// The limit as messages name it, with the way to change it.
    public static var description: String {
        String(format: "%.3g GB", bytes / 1_073_741_824) + " nasbook allows (set NASBOOK_MAX_MEMORY_GB to change it)"
    }
}
