import Foundation
import NasCore
import XCTest
@testable import NasLang

/// `grammar/nas.ebnf` is the written authority; these tests keep its word lists and the
/// implementation from drifting apart.
final class GrammarTests: XCTestCase {
    func alternatives(of rule: String) throws -> Set<String> {
        let text = try String(contentsOf: Repo.root.appendingPathComponent("grammar/nas.ebnf"), encoding: .utf8)
        let start = try XCTUnwrap(text.range(of: "\n\(rule) "), "rule \(rule) missing")
        let body = text[start.upperBound...].prefix { $0 != ";" }
        let quoted = try NSRegularExpression(pattern: "\"([^\"]+)\"")
        let range = NSRange(body.startIndex..<body.endIndex, in: text)
        return Set(quoted.matches(in: text, range: range).map { String(text[Range($0.range(at: 1), in: text)!]) })
    }

    func testKeywordsMatch() throws {
        XCTAssertEqual(try alternatives(of: "keyword"), Set(Keyword.allCases.map(\.rawValue)))
    }

    func testUnitsMatch() throws {
        XCTAssertEqual(try alternatives(of: "unit"), Set(UnitSuffix.all.keys))
    }

    func testMetricsMatch() throws {
        XCTAssertEqual(try alternatives(of: "metric"), Set(Metric.searchable.map(\.name)))
    }
}
