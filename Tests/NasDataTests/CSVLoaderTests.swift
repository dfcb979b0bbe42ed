import XCTest
import NasData

final class CSVLoaderTests: XCTestCase {
    func testHeaderAndStringLabelsAreDetectedAndSorted() throws {
        let dir = try makeTemporaryDirectory(self)
        let text = """
        sepal_length,sepal_width,species
        5.1,3.5,setosa
        7.0,3.2,versicolor
        6.3, 3.3 ,"virginica"
        4.9,3.0,setosa

        """
        let dataset = try Loaders.csv(path: try write(text, to: dir, "iris.csv"))
        XCTAssertEqual(dataset.name, "iris")
        XCTAssertEqual(dataset.sampleShape, [2])
        XCTAssertEqual(dataset.inputs, [5.1, 3.5, 7.0, 3.2, 6.3, 3.3, 4.9, 3.0])
        XCTAssertEqual(dataset.classNames, ["setosa", "versicolor", "virginica"])
        XCTAssertEqual(dataset.labels, [0, 1, 2, 0])
    }

    func testNamedLabelColumnInTheMiddle() throws {
        let dir = try makeTemporaryDirectory(self)
        let text = "a,label,b\r\n1,cat,2\r\n3,dog,4\r\n"
        let dataset = try Loaders.csv(path: try write(text, to: dir, "pets.csv"), labelColumn: "label")
        XCTAssertEqual(dataset.inputs, [1, 2, 3, 4])
        XCTAssertEqual(dataset.labels, [0, 1])
        XCTAssertEqual(dataset.classNames, ["cat", "dog"])
    }

    func testNoHeaderAndIntegerLabelsSortNumerically() throws {
        let dir = try makeTemporaryDirectory(self)
        let text = "0.5,1,10\n0.25,2,2\n1e-1,3,1\n"
        let dataset = try Loaders.csv(path: try write(text, to: dir, "numbers.csv"))
        XCTAssertEqual(dataset.count, 3)
        XCTAssertEqual(dataset.inputs, [0.5, 1, 0.25, 2, 0.1, 3])
        XCTAssertEqual(dataset.classNames, ["1", "2", "10"])
        XCTAssertEqual(dataset.labels, [2, 1, 0])
        // Forcing a header makes the first line names.
        let headed = try Loaders.csv(path: try write(text, to: dir, "numbers.csv"), hasHeader: true)
        XCTAssertEqual(headed.count, 2)
    }

    func testQuotedFieldsWithCommasAndEscapedQuotes() throws {
        let dir = try makeTemporaryDirectory(self)
        let text = "x,\"the \"\"kind\"\", of thing\"\n1,\"a, b\"\n2,c\n"
        let dataset = try Loaders.csv(path: try write(text, to: dir, "quoted.csv"), labelColumn: "the \"kind\", of thing")
        XCTAssertEqual(dataset.classNames, ["a, b", "c"])
        XCTAssertEqual(dataset.inputs, [1, 2])
    }

    func testErrorsNameLineAndColumn() throws {
        let dir = try makeTemporaryDirectory(self)
        let bad = try write("f1,f2,label\n1,2,a\n3,abc,b\n", to: dir, "bad.csv")
        assertDataError(try Loaders.csv(path: bad), contains: ["bad.csv: line 3, column 2 ('f2'): expected a number, found 'abc'"])
        let ragged = try write("f1,f2,label\n1,2,a\n3,b\n", to: dir, "ragged.csv")
        assertDataError(try Loaders.csv(path: ragged), contains: ["line 3", "expected 3 fields", "found 2"])
        let empty = try write("1,,a\n", to: dir, "hole.csv")
        assertDataError(try Loaders.csv(path: empty, hasHeader: false), contains: ["line 1, column 2", "expected a number, found ''"])
        let noLabel = try write("1,2,\n", to: dir, "nolabel.csv")
        assertDataError(try Loaders.csv(path: noLabel, hasHeader: false), contains: ["line 1, column 3", "expected a class label"])
        let unclosed = try write("a,b\n1,\"x\n", to: dir, "unclosed.csv")
        assertDataError(try Loaders.csv(path: unclosed), contains: ["line 2", "closing '\"'"])
        let unknown = try write("a,b\n1,x\n", to: dir, "unknown.csv")
        assertDataError(try Loaders.csv(path: unknown, labelColumn: "species"), contains: ["column named 'species'", "'a', 'b'"])
        assertDataError(try Loaders.csv(path: unknown, labelColumn: "b", hasHeader: false), contains: ["expected a header line"])
        let oneColumn = try write("1\n2\n", to: dir, "one.csv")
        assertDataError(try Loaders.csv(path: oneColumn), contains: ["at least one feature column"])
        let blank = try write("\n\n", to: dir, "blank.csv")
        assertDataError(try Loaders.csv(path: blank), contains: ["empty file"])
    }
}
