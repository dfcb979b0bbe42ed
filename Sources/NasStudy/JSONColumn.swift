import Foundation
import GRDB

/// JSON text columns (points, parameters, metrics, objectives): readable with `sqlite3` and
/// `json_extract`, and free to grow new keys without a migration. Non-finite numbers (a loss
/// that diverged) are written as the strings "nan", "inf" and "-inf" rather than refused.
enum JSONColumn {
    /// Made once: building coders per row was a measurable part of reading a study.
    private static let encoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()
    private static let decoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ row: Row, _ column: String, table: String) throws -> T {
        try decode(type, text: try row.decode(forColumn: column), table: table, column: column)
    }

    static func decode<T: Decodable>(_ type: T.Type, text: String, table: String, column: String) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw StudyStoreError.corruptColumn(table: table, column: column, reason: "\(error)")
        }
    }
}

/// Seeds are full 64-bit; SQLite integers are signed, so the bits are stored as they are.
extension UInt64 {
    var databaseBits: Int64 { Int64(bitPattern: self) }
    init(databaseBits: Int64) { self.init(bitPattern: databaseBits) }
}
