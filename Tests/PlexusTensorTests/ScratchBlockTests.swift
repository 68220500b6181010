import XCTest
@testable import PlexusTensor

/// A convolution's scratch (`withScratch`) while a plan's pool is active: blocks reused call after
/// call, at most `BufferPool.scratchBlocks` of them kept.
final class ScratchBlockTests: XCTestCase {
    private func address(_ p: UnsafeMutablePointer<Float>) -> UInt { UInt(bitPattern: p) }

    func testALaterSmallerRequestReusesTheBlockOfAnEarlierOne() {
        let pool = BufferPool(capacityBytes: 1 << 20)
        BufferPool.withActive(pool) {
            let first = withScratch(1000) { address($0) }
            let second = withScratch(500) { address($0) }
            XCTAssertEqual(first, second)
        }
        XCTAssertEqual(pool.keptBytes, 4000, "one block of 1000 floats kept for the next call")
        pool.drain()
        XCTAssertEqual(pool.keptBytes, 0)
    }

    func testNestedRequestsGetBlocksOfTheirOwn() {
        let pool = BufferPool(capacityBytes: 1 << 20)
        BufferPool.withActive(pool) {
            withScratch(100) { outer in
                withScratch(50) { inner in XCTAssertNotEqual(address(outer), address(inner)) }
            }
        }
    }

    func testAPoolKeepsOnlyItsLargestFreeBlocks() {
        let pool = BufferPool(capacityBytes: 1 << 20)
        BufferPool.withActive(pool) {
            withScratch(100) { _ in withScratch(200) { _ in withScratch(300) { _ in } } }
        }
        XCTAssertEqual(BufferPool.scratchBlocks, 2)
        XCTAssertEqual(pool.keptBytes, (200 + 300) * 4, "the 100-float block is freed")
    }

    func testABlockBeyondThePoolsCapacityIsFreedAtOnce() {
        let pool = BufferPool(capacityBytes: 1000)
        BufferPool.withActive(pool) { withScratch(1000) { _ in } }
        XCTAssertEqual(pool.keptBytes, 0)
    }
}
