import XCTest
@testable import NasStudyPostgres

/// URLs are checked before any connection, and no message ever shows a password.
final class PostgresLocationTests: XCTestCase {
    func testPasswordsAreRedactedWhereverTheyAppear() throws {
        XCTAssertEqual(try PostgresLocation("postgresql://nas:s3cret@db.lab:5433/studies").redacted, "postgresql://nas:***@db.lab:5433/studies")
        XCTAssertEqual(try PostgresLocation("postgres://nas@db.lab/studies").redacted, "postgres://nas@db.lab/studies")
        XCTAssertEqual(try PostgresLocation("postgresql://db.lab/studies?user=nas&password=s3cret&sslmode=disable").redacted,
                       "postgresql://db.lab/studies?user=nas&password=***&sslmode=disable")
        // An @ inside the password (percent-encoding is optional for libpq) still hides all of it.
        XCTAssertEqual(PostgresLocation.redact("postgresql://nas:p@ss@h/db"), "postgresql://nas:***@h/db")
        XCTAssertEqual(PostgresLocation.redact("host=h password=s3cret dbname=x"), "host=h password=*** dbname=x")
    }

    func testPostgresLocationsAreToldFromFilePaths() {
        XCTAssertTrue(PostgresLocation.isPostgres("postgresql://h/db"))
        XCTAssertTrue(PostgresLocation.isPostgres("POSTGRES://h/db"))
        XCTAssertFalse(PostgresLocation.isPostgres("study.db"))
        XCTAssertFalse(PostgresLocation.isPostgres("postgresql.db"))
    }

    func testMalformedURLsAreRefusedBeforeConnecting() {
        for bad in ["postgresql://nas:secret@h:notaport/db", "postgresql://h:99999/db", "postgresql://h/db?nonsense=1"] {
            XCTAssertThrowsError(try PostgresLocation(bad), bad) { error in
                let e = error as? PostgresError
                XCTAssertEqual(e?.kind, .badLocation, "\(error)")
                XCTAssertFalse("\(error)".contains("secret"), "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("bad PostgreSQL location postgresql://"), "\(error)")
            }
        }
    }
}
