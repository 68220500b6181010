import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

final class PlexusNNTests: XCTestCase {
    func testReExportsTheTensorLibrary() throws {
        XCTAssertEqual(try Tensor.zeros([2, 2]).count, 4)
    }
}
