import XCTest
@testable import PlexusTensor

/// The one shape check at the door and the memory guard behind it.
final class ShapeLimitTests: XCTestCase {
    func testEachSizeIsAtMostTwoToTheThirtyOneMinusOne() {
        XCTAssertNil(shapeSizeProblem([2_147_483_647, 0]))
        XCTAssertEqual(shapeSizeProblem([2_147_483_648]), "has a size above the limit of 2,147,483,647 per axis")
    }

    func testTheProductCountsAZeroAsOne() {
        // (0, 2^31-1, 2^31-1) holds no element, but its other sizes multiply beyond 2^48.
        XCTAssertEqual(shapeSizeProblem([0, 2_147_483_647, 2_147_483_647]), "is too large: the product of its sizes is above 2^48")
        XCTAssertNil(shapeSizeProblem([0, 65536, 65536]))
    }

    func testARequestBeyondTheAvailableMemoryNamesBothFigures() {
        let available = MemoryLimit.availableBytes()
        XCTAssertGreaterThan(available, 0)
        XCTAssertThrowsError(try checkShape([1 << 24, 1 << 24], op: "zeros")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("would need 1024.00 TB") || text.contains("would need 1.00 PB"), text)
            XCTAssertTrue(text.contains("available"), text)
        }
    }

    func testMemoryFiguresUseBinaryUnits() {
        XCTAssertEqual(MemoryLimit.formatMemory(10_000_000_000), "9.31 GB")
        XCTAssertEqual(MemoryLimit.formatMemory(512), "512 bytes")
        XCTAssertEqual(MemoryLimit.formatMemory(3 << 20), "3.00 MB")
    }

    func testReshapeTargetsAreCheckedBeforeTheirProduct() {
        XCTAssertThrowsError(try Tensor.zeros([4]).reshaped(to: [1 << 40, 1 << 40]))
    }
}
