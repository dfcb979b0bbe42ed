import Foundation

extension Loaders {
    /// A UCR/UEA time-series classification file (`.ts`): '@' header lines (`@problemName`,
    /// `@timeStamps`, `@missing`, `@univariate`, `@dimensions`, `@equalLength`, `@seriesLength`,
    /// `@classLabel true a b c`), then after `@data` one series per line: the dimensions
    /// separated by ':', each a comma-separated list of values, and the class label last.
    /// Samples are [length, dimensions]; class names are the `@classLabel` values in order.
    ///
    /// Only what a classifier can use as it is gets loaded: equal-length series without time
    /// stamps and without missing values. Filling gaps or resampling would change the data
    /// behind the user's back, so such files are refused with an error that says why, as are
    /// regression files (`@targetLabel`) and files without class labels. Unknown header lines
    /// are ignored, as the format allows later additions. Lines starting with '#' are comments.
    public static func ts(path: String) throws -> Dataset {
        let lines = try readLines(path)
        var name = datasetName(path)
        var dimensions: Int?
        var length: Int?
        var classNames: [String]?
        var inData = false
        var inputs: [Float] = []
        var labels: [Int32] = []
        var classIndex: [String: Int32] = [:]

        func fail(_ line: Int, _ message: String) -> DataError {
            DataError(path: path, "line \(line): \(message)")
        }

        var lineNumber = 0
        for rawLine in lines {
            lineNumber += 1
            let line = trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }

            if !inData {
                guard line.hasPrefix("@") else {
                    throw fail(lineNumber, "expected a header line starting with '@' before @data, found '\(line.prefix(40))'")
                }
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                let key = words[0].lowercased()
                let value = words.count > 1 ? words[1].lowercased() : ""
                switch key {
                case "@problemname":
                    if words.count > 1 { name = words.dropFirst().joined(separator: " ") }
                case "@timestamps" where value == "true":
                    throw fail(lineNumber, "time-stamped series are not supported (expected @timeStamps false)")
                case "@equallength" where value == "false":
                    throw fail(lineNumber, "unequal-length series are not supported (expected @equalLength true)")
                case "@targetlabel" where value == "true":
                    throw fail(lineNumber, "regression files (@targetLabel true) are not supported: expected @classLabel true with class names")
                case "@univariate" where value == "true":
                    dimensions = 1
                case "@dimensions", "@serieslength":
                    guard let n = Int(value), n > 0 else {
                        throw fail(lineNumber, "expected a positive integer after \(words[0]), found '\(words.count > 1 ? words[1] : "")'")
                    }
                    if key == "@dimensions" { dimensions = n } else { length = n }
                case "@classlabel":
                    guard value == "true", words.count > 2 else {
                        throw fail(lineNumber, "expected '@classLabel true' followed by the class names, found '\(line)'")
                    }
                    classNames = Array(words.dropFirst(2))
                case "@data":
                    guard let classNames else {
                        throw fail(lineNumber, "expected a @classLabel header before @data (only classification files are supported)")
                    }
                    for (i, className) in classNames.enumerated() { classIndex[className] = Int32(i) }
                    inData = true
                default:
                    break
                }
                continue
            }

            // Split on UTF-8 bytes: several times faster than walking Characters.
            let parts = line.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map { Substring($0) }
            let seriesDimensions = parts.count - 1
            if dimensions == nil { dimensions = seriesDimensions }
            guard seriesDimensions == dimensions, seriesDimensions > 0 else {
                throw fail(lineNumber, "expected \(dimensions!) dimension(s) and a class label separated by ':', found \(parts.count) field(s)")
            }
            let label = String(trimmed(parts[seriesDimensions]))
            guard let labelIndex = classIndex[label] else {
                throw fail(lineNumber, "class label '\(label)' is not one of the @classLabel values \(classNames!.joined(separator: ", "))")
            }

            var series: [[Float]] = []
            series.reserveCapacity(seriesDimensions)
            for d in 0..<seriesDimensions {
                let fields = parts[d].utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { Substring($0) }
                if length == nil { length = fields.count }
                guard fields.count == length else {
                    throw fail(lineNumber, "dimension \(d + 1): expected \(length!) values (all series must have the same length), found \(fields.count)")
                }
                var values = [Float](repeating: 0, count: fields.count)
                for (t, field) in fields.enumerated() {
                    // The common case parses directly; trimming is only for the odd padded value.
                    if let value = Float(field), value.isFinite {
                        values[t] = value
                        continue
                    }
                    let token = trimmed(field)
                    if token == "?" || token.lowercased() == "nan" {
                        throw fail(lineNumber, "dimension \(d + 1), value \(t + 1): missing value '\(token)' (missing values are not supported; fill them before loading)")
                    }
                    guard let value = Float(token), value.isFinite else {
                        throw fail(lineNumber, "dimension \(d + 1), value \(t + 1): expected a number, found '\(token)'")
                    }
                    values[t] = value
                }
                series.append(values)
            }
            // Channels-last: time step t holds all dimensions side by side.
            for t in 0..<length! {
                for d in 0..<seriesDimensions { inputs.append(series[d][t]) }
            }
            labels.append(labelIndex)
        }

        guard inData else { throw DataError(path: path, "expected a @data line after the header, found none") }
        guard let length, let dimensions, !labels.isEmpty else {
            throw DataError(path: path, "expected at least one series after @data, found none")
        }
        return Dataset(name: name, sampleShape: [length, dimensions], inputs: inputs, labels: labels, classNames: classNames!)
    }
}
