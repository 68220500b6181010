import XCTest
@testable import PlexusTensor

/// The one shape rule of each op, over known and unknown (`nil`) sizes.
final class ShapeRuleTests: XCTestCase {
    func testBroadcastAlignsFromTheRightAndStretchesOnes() throws {
        XCTAssertEqual(try ShapeRule.broadcast([2, 1, 4], [3, 1]), [2, 3, 4])
        XCTAssertEqual(try ShapeRule.broadcast([], [5]), [5])
    }

    func testBroadcastOfUnknownSizesKeepsWhatIsKnown() throws {
        // unknown against k > 1 can only be 1 or k: the result is k; against 1 it stays unknown.
        XCTAssertEqual(try ShapeRule.broadcast([nil, 4], [3, 4]), [3, 4])
        XCTAssertEqual(try ShapeRule.broadcast([nil, 4], [1, 4]), [nil, 4])
        XCTAssertEqual(try ShapeRule.broadcast([nil], [nil]), [nil])
        XCTAssertEqual(try ShapeRule.broadcast([nil, 8], [8]), [nil, 8])
    }

    func testBroadcastRefusesTwoKnownSizesThatDiffer() {
        XCTAssertThrowsError(try ShapeRule.broadcast([nil, 2, 3], [4, 3])) { error in
            XCTAssertEqual(error as? ShapeRefusal, .broadcast(dimension: 1, 2, 4))
            XCTAssertEqual("\(error)", "cannot be broadcast together (dimension 1: 2 vs 4)")
        }
    }

    func testReshapeResolvesOneMinusOne() throws {
        XCTAssertEqual(try ShapeRule.reshape([2, 3, 4], to: [4, -1]), [4, 6])
        XCTAssertEqual(try ShapeRule.reshape([2, 3], to: [6]), [6])
        XCTAssertEqual(try ShapeRule.reshape([0, 3], to: [3, 0]), [3, 0])
    }

    func testReshapeOfUnknownSizesLeavesTheMinusOneUnknown() throws {
        XCTAssertEqual(try ShapeRule.reshape([nil, 8], to: [-1, 2, 4]), [nil, 2, 4])
        XCTAssertEqual(try ShapeRule.reshape([nil, 8], to: [2, 4]), [2, 4], "only the values can check a target without -1")
    }

    func testReshapeRefusals() {
        XCTAssertThrowsError(try ShapeRule.reshape([6], to: [-1, -1])) { XCTAssertEqual($0 as? ShapeRefusal, .reshapeTarget([-1, -1])) }
        XCTAssertThrowsError(try ShapeRule.reshape([6], to: [-2, 3])) { XCTAssertEqual($0 as? ShapeRefusal, .reshapeTarget([-2, 3])) }
        XCTAssertThrowsError(try ShapeRule.reshape([2, 3], to: [4, -1])) { error in
            XCTAssertEqual(error as? ShapeRefusal, .reshapeSplit(elements: 6, target: [4, -1], other: 4))
            XCTAssertEqual("\(error)", "cannot be reshaped to (4, -1): its 6 elements are not a multiple of 4")
        }
        XCTAssertThrowsError(try ShapeRule.reshape([2, 3], to: [0, -1])) { XCTAssertEqual($0 as? ShapeRefusal, .reshapeSplit(elements: 6, target: [0, -1], other: 0)) }
        XCTAssertThrowsError(try ShapeRule.reshape([2, 3], to: [4, 2])) { error in
            XCTAssertEqual(error as? ShapeRefusal, .reshapeCount(elements: 6, target: [4, 2], holds: 8))
        }
        XCTAssertThrowsError(try ShapeRule.reshape([4], to: [1 << 40, 1 << 40])) { error in
            XCTAssertEqual("\(error)", "cannot be reshaped to (1099511627776, 1099511627776): it holds 4 elements, the target more than any tensor can")
        }
    }

    func testNormalizedAxisCountsNegativeAxesFromTheEnd() {
        XCTAssertEqual(ShapeRule.normalizedAxis(-1, rank: 4), 3)
        XCTAssertEqual(ShapeRule.normalizedAxis(0, rank: 4), 0)
        XCTAssertEqual(ShapeRule.normalizedAxis(-4, rank: 4), 0)
        XCTAssertNil(ShapeRule.normalizedAxis(4, rank: 4))
        XCTAssertNil(ShapeRule.normalizedAxis(-5, rank: 4))
        XCTAssertNil(ShapeRule.normalizedAxis(0, rank: 0))
    }

    func testMatmulFollowsNumPy() throws {
        XCTAssertEqual(try ShapeRule.matmul([2, 3], [3, 4]), [2, 4])
        XCTAssertEqual(try ShapeRule.matmul([3], [3, 4]), [4])
        XCTAssertEqual(try ShapeRule.matmul([2, 3], [3]), [2])
        XCTAssertEqual(try ShapeRule.matmul([3], [3]), [])
        XCTAssertEqual(try ShapeRule.matmul([2, 1, 3, 4], [5, 4, 2]), [2, 5, 3, 2])
        XCTAssertEqual(try ShapeRule.matmul([nil, 8], [8, 3]), [nil, 3])
        XCTAssertEqual(try ShapeRule.matmul([nil, 2, 8], [nil, 5]), [nil, 2, 5], "an unknown inner size is not compared")
    }

    func testMatmulRefusals() {
        XCTAssertThrowsError(try ShapeRule.matmul([], [3])) { XCTAssertEqual($0 as? ShapeRefusal, .matmulRank) }
        XCTAssertThrowsError(try ShapeRule.matmul([2, 3], [4, 5])) { XCTAssertEqual($0 as? ShapeRefusal, .matmulInner(3, 4)) }
        XCTAssertThrowsError(try ShapeRule.matmul([2, 3, 4], [3, 4, 5])) { XCTAssertEqual($0 as? ShapeRefusal, .matmulBatch(2, 3)) }
    }
}
