import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusLang

final class PlexusLangTests: XCTestCase {
    func testLibraryLinks() {
        XCTAssertFalse(PlexusNN.version.isEmpty)
    }
}
