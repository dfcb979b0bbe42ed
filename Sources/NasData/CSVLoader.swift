import Foundation

extension Loaders {
    /// A comma-separated table, one sample per line: every column but the label column is a
    /// numeric feature, so samples are [featureCount].
    ///
    /// - `labelColumn`: the header name of the label column; nil means the last column.
    /// - `hasHeader`: nil detects it: the first line is a header when one of its fields is not a
    ///   number while the same field of the second line is (so a string label column alone does
    ///   not make a header). Naming a `labelColumn` requires a header.
    ///
    /// Labels may be integers or strings. Classes are the distinct labels sorted (numerically
    /// when all are integers, else by string), not in order of first appearance, so a train and
    /// a test file with the same classes get the same class indices whatever their row order.
    /// Fields may be double-quoted ("a, b" and "" inside quotes work); a quoted field cannot
    /// span lines. Blank lines are skipped. Errors name the line and the 1-based column.
    public static func csv(path: String, labelColumn: String? = nil, hasHeader: Bool? = nil) throws -> Dataset {
        let lines = try readLines(path)
        // Blank lines are skipped; a record is split into fields only when it is processed, so
        // a large file never holds all its fields at once.
        let records = lines.indices.filter { !lines[$0].utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") } }
        func fields(_ record: Int) throws -> [Substring] {
            guard let fields = csvFields(lines[record]) else {
                throw DataError(path: path, "line \(record + 1): expected a closing '\"' for a quoted field, found the end of the line")
            }
            return fields
        }
        guard let firstRecord = records.first else {
            throw DataError(path: path, "expected a header or data lines, found an empty file")
        }
        let first = try fields(firstRecord)
        let second = records.count > 1 ? try fields(records[1]) : nil

        let firstIsHeader = hasHeader ?? (labelColumn != nil || looksLikeHeader(first, second))
        let header = firstIsHeader ? first.map { csvTrimmed($0) } : nil
        let dataRecords = header == nil ? records[...] : records.dropFirst()
        let columns = first.count
        let labelIndex: Int
        if let labelColumn {
            guard let header else {
                throw DataError(path: path, "expected a header line to find the label column '\(labelColumn)', but hasHeader is false")
            }
            guard let index = header.firstIndex(of: labelColumn) else {
                throw DataError(path: path, "line \(firstRecord + 1): expected a column named '\(labelColumn)' in the header, found \(header.map { "'\($0)'" }.joined(separator: ", "))")
            }
            labelIndex = index
        } else {
            labelIndex = columns - 1
        }
        guard columns >= 2 else {
            throw DataError(path: path, "line \(firstRecord + 1): expected at least one feature column besides the label, found \(columns) column")
        }
        guard !dataRecords.isEmpty else {
            throw DataError(path: path, "expected data lines after the header, found none")
        }

        func columnName(_ c: Int) -> String {
            header.map { "column \(c + 1) ('\($0[c])')" } ?? "column \(c + 1)"
        }
        let features = columns - 1
        var inputs: [Float] = []
        inputs.reserveCapacity(dataRecords.count * features)
        var rawLabels: [String] = []
        rawLabels.reserveCapacity(dataRecords.count)
        for record in dataRecords {
            let line = record + 1
            let row = try fields(record)
            guard row.count == columns else {
                throw DataError(path: path, "line \(line): expected \(columns) fields like the first line, found \(row.count)")
            }
            for (c, field) in row.enumerated() {
                if c == labelIndex {
                    let label = csvTrimmed(field)
                    guard !label.isEmpty else {
                        throw DataError(path: path, "line \(line), \(columnName(c)): expected a class label, found an empty field")
                    }
                    rawLabels.append(label)
                    continue
                }
                // Unquoted, unpadded numbers parse directly; only odd fields pay for trimming.
                guard let value = Float(field) ?? Float(trimmed(field)), value.isFinite else {
                    throw DataError(path: path, "line \(line), \(columnName(c)): expected a number, found '\(csvTrimmed(field))'")
                }
                inputs.append(value)
            }
        }

        let classNames = sortedClassNames(rawLabels)
        let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, Int32($0)) })
        let labels = rawLabels.map { index[$0]! }
        return Dataset(name: datasetName(path), sampleShape: [features], inputs: inputs, labels: labels, classNames: classNames)
    }

    /// Distinct labels in numeric order when every one is an integer ("2" before "10"),
    /// otherwise in string order.
    private static func sortedClassNames(_ labels: [String]) -> [String] {
        let distinct = Set(labels)
        let numbers = distinct.compactMap { label in Int(label).map { (label, $0) } }
        if numbers.count == distinct.count {
            return numbers.sorted { $0.1 < $1.1 }.map(\.0)
        }
        return distinct.sorted()
    }

    private static func looksLikeHeader(_ first: [Substring], _ second: [Substring]?) -> Bool {
        let firstNumeric = first.map { Double(trimmed($0)) != nil }
        guard let second else { return !firstNumeric.contains(true) }
        let secondNumeric = second.map { Double(trimmed($0)) != nil }
        return zip(firstNumeric, secondNumeric).contains { !$0 && $1 }
    }

    /// Splits one line at commas outside double quotes, or nil for an unclosed quote. Unquoted
    /// lines, the common case, are split on their UTF-8 bytes, which is several times faster
    /// than walking Characters.
    private static func csvFields(_ line: Substring) -> [Substring]? {
        guard line.utf8.contains(UInt8(ascii: "\"")) else {
            return line.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { Substring($0) }
        }
        var fields: [Substring] = []
        var current = ""
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            index = line.index(after: index)
            if quoted {
                if character == "\"" {
                    if index < line.endIndex, line[index] == "\"" {
                        current.append("\"")
                        index = line.index(after: index)
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(Substring(current))
                current = ""
            } else {
                current.append(character)
            }
        }
        guard !quoted else { return nil }
        fields.append(Substring(current))
        return fields
    }

    private static func csvTrimmed(_ field: Substring) -> String {
        String(trimmed(field))
    }
}
