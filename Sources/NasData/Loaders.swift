import Foundation

/// Readers for the dataset file formats people bring to nasbook. Each returns a `Dataset` in
/// the channels-last layout and reports a bad or missing file as a `DataError`.
public enum Loaders {
    /// A file's bytes. A path ending in `.gz` is decompressed with the system's `gzip -dc`, which
    /// every Debian machine has, so no loader needs a zlib binding; any loader can thus read a
    /// compressed file. `missingHint` is appended when the file does not exist (for packaged
    /// datasets: how to install them).
    static func readBytes(_ path: String, missingHint: String? = nil) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(path: path, "file not found" + (missingHint.map { "; \($0)" } ?? ""))
        }
        guard !isDirectory.boolValue else {
            throw DataError(path: path, "expected a file, found a directory")
        }
        if path.hasSuffix(".gz") { return try gunzip(path) }
        // Loaders expand what they read (bytes to floats), so a file past the memory limit
        // cannot become a dataset; refuse it before mapping it.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, Double(size) > MemoryLimit.bytes {
            throw DataError(path: path, "is \(String(format: "%.3g GB", Double(size) / 1_073_741_824)), more than the \(MemoryLimit.description)")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw DataError(path: path, "cannot read: \(error.localizedDescription)")
        }
    }

    /// A text file's lines (UTF-8; invalid bytes become U+FFFD rather than failing the load),
    /// split at "\n" with a trailing "\r" dropped. Splitting the UTF-8 bytes rather than the
    /// Characters matters: Swift treats "\r\n" as one Character, and walking Characters (grapheme
    /// clusters) is far slower on large files.
    static func readLines(_ path: String) throws -> [Substring] {
        let text = String(decoding: try readBytes(path), as: UTF8.self)
        return text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            Substring(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
        }
    }

    /// `text` without leading and trailing spaces, tabs, carriage returns and newlines. Works
    /// on the UTF-8 bytes: Foundation's `trimmingCharacters` converts to UTF-16 on every call
    /// and dominated the parse time of large text files.
    static func trimmed(_ text: Substring) -> Substring {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return Substring() }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        return Substring(bytes[first...last])
    }

    /// The file name without directories and without `.gz` and one format extension, used as
    /// the dataset name ("data/train.csv" -> "train").
    static func datasetName(_ path: String) -> String {
        var url = URL(fileURLWithPath: path)
        if url.pathExtension == "gz" { url.deletePathExtension() }
        if !url.pathExtension.isEmpty { url.deletePathExtension() }
        return url.lastPathComponent
    }

    /// The product of a header's dimensions, or nil when it overflows: a corrupt header must
    /// produce an error, not a crash.
    static func checkedProduct(_ dimensions: [Int]) -> Int? {
        var product = 1
        for d in dimensions {
            let (next, overflow) = product.multipliedReportingOverflow(by: d)
            guard !overflow, d >= 0 else { return nil }
            product = next
        }
        return product
    }

    /// The most classes a dataset may have: a label file holding 2147483647 would otherwise ask
    /// for two billion class names (and a classifier that wide) from a few bytes of input.
    public static let maxClasses = 100_000

    /// Class names "0", "1", ... up to the largest label, for formats that store bare indices;
    /// an error naming the limit when the largest label is past `maxClasses`.
    static func numberedClassNames(_ labels: [Int32], path: String) throws -> [String] {
        let largest = labels.max() ?? -1
        guard Int(largest) < maxClasses else {
            throw DataError(path: path, "the largest label is \(largest), but nasbook supports at most \(maxClasses) classes "
                            + "(labels 0...\(maxClasses - 1)); labels must be class indices counted from 0")
        }
        return (0...Int(max(largest, 0))).map(String.init)
    }

    /// The most bytes a compressed data file may expand to, unless `NASBOOK_MAX_DATA_GB` sets
    /// another figure: a small gzip bomb must be an error, not gigabytes of memory.
    public static var maxDecompressedBytes: Int {
        if let text = ProcessInfo.processInfo.environment["NASBOOK_MAX_DATA_GB"], let gb = Double(text), gb > 0, gb < 1e6 {
            return Int(gb * 1_073_741_824)
        }
        return 4 << 30
    }

    private static func gunzip(_ path: String) throws -> Data {
        guard let gzip = ["/usr/bin/gzip", "/bin/gzip"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw DataError(path: path, "cannot decompress: gzip not found in /usr/bin or /bin; install it with: apt-get install gzip")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc", "--", path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw DataError(path: path, "cannot run \(gzip): \(error.localizedDescription)")
        }
        // gzip writes at most a line or two to stderr, so draining stdout first cannot deadlock.
        let limit = maxDecompressedBytes
        let data = readAll(output.fileHandleForReading.fileDescriptor, expectedSize: min(gzipSizeHint(path), limit), limit: limit)
        let tooLarge = data == nil && errno == EFBIG
        let readError = data == nil ? String(cString: strerror(errno)) : nil
        if readError != nil { process.terminate() }  // it may be blocked on the pipe we stopped reading
        if tooLarge {
            _ = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            throw DataError(path: path, "decompresses to more than " + String(format: "%.3g GB", Double(limit) / 1_073_741_824)
                            + ", the most nasbook reads from one file; "
                            + "set NASBOOK_MAX_DATA_GB to raise the limit")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if let readError {
            throw DataError(path: path, "cannot read the output of gzip -dc: \(readError)")
        }
        guard let data, process.terminationStatus == 0 else {
            let detail = message.trimmingCharacters(in: .whitespacesAndNewlines)
            throw DataError(path: path, "expected gzip-compressed data (the name ends in .gz), but gzip -dc failed with status \(process.terminationStatus)" + (detail.isEmpty ? "" : ": \(detail)"))
        }
        return data
    }

    /// The uncompressed size a gzip file records in its last four bytes (modulo 2^32), used only
    /// to size the read buffer in one go; 0 when it cannot be read.
    private static func gzipSizeHint(_ path: String) -> Int {
        guard let file = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? file.close() }
        guard let end = try? file.seekToEnd(), end >= 4 else { return 0 }
        try? file.seek(toOffset: end - 4)
        guard let tail = try? file.read(upToCount: 4), tail.count == 4 else { return 0 }
        return tail.reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// Reads a pipe to its end straight into one malloc'd buffer that `Data` then owns, so a
    /// 47 MB image file is neither copied nor reallocated piecemeal on its way in. Nil on a read
    /// error, with `errno` set.
    /// More than `limit` bytes: nil with `errno` EFBIG, having read no further.
    private static func readAll(_ descriptor: Int32, expectedSize: Int, limit: Int) -> Data? {
        var capacity = max(expectedSize + 1, 1 << 16)
        var buffer = malloc(capacity)!
        var count = 0
        while true {
            if count > limit {
                free(buffer)
                errno = EFBIG
                return nil
            }
            if count == capacity {
                capacity *= 2
                buffer = realloc(buffer, capacity)!
            }
            let n = read(descriptor, buffer + count, capacity - count)
            if n > 0 {
                count += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                let saved = errno
                free(buffer)
                errno = saved
                return nil
            }
        }
        return Data(bytesNoCopy: buffer, count: count, deallocator: .free)
    }
}
