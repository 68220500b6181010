import XCTest
@testable import PlexusTensor

final class SoftmaxTests: XCTestCase {
    private func assertClose(_ a: [Float], _ b: [Float], _ tol: Float = 1e-6,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: tol, "\(a) vs \(b)", file: file, line: line) }
    }

    func testSoftmaxHandValues() throws {
        // numpy: e = np.exp([1, 2, 3] - 3); e / e.sum()
        let y = try Tensor(shape: [3], values: [1, 2, 3]).softmax()
        assertClose(y.scalars, [0.09003057, 0.24472847, 0.66524096])
    }

    func testLogSoftmaxHandValues() throws {
        // numpy: np.log(softmax([1, 2, 3]))
        let y = try Tensor(shape: [1, 3], values: [1, 2, 3]).logSoftmax()
        assertClose(y.scalars, [-2.40760596, -1.40760596, -0.40760596])
    }

    func testSoftmaxOfLargeLogitsDoesNotOverflow() throws {
        let y = try Tensor(shape: [3], values: [1000, 1001, 1002]).softmax()
        assertClose(y.scalars, [0.09003057, 0.24472847, 0.66524096])
    }

    func testLogSoftmaxStaysFiniteWhereProbabilityUnderflows() throws {
        let y = try Tensor(shape: [2], values: [0, -1000]).logSoftmax()
        assertClose(y.scalars, [0, -1000])
    }

    func testSoftmaxOverMiddleAxisMatchesPermutedLastAxis() throws {
        var gen = RandomGenerator(seed: 1)
        let x = try Tensor.normal([2, 3, 4], using: &gen)
        let direct = try x.softmax(axis: 1)
        let viaLast = try x.permuted([0, 2, 1]).softmax().permuted([0, 2, 1])
        assertClose(direct.scalars, viaLast.scalars)
        let logDirect = try x.logSoftmax(axis: -2)
        let logViaLast = try x.permuted([0, 2, 1]).logSoftmax().permuted([0, 2, 1])
        assertClose(logDirect.scalars, logViaLast.scalars, 1e-5)
    }

    func testBadAxisNamesTheShape() throws {
        XCTAssertThrowsError(try Variable(try Tensor.zeros([2, 3])).softmax(axis: 2)) { error in
            XCTAssertTrue("\(error)".contains("(2, 3)"), "\(error)")
        }
    }

    func testSoftmaxGradient() throws {
        var gen = RandomGenerator(seed: 2)
        let m = try Tensor.normal([3, 5], using: &gen)
        let r1 = try gradcheck([m]) { v in try v[0].softmax() }
        XCTAssertTrue(r1.passed, "\(r1)")
        let t = try Tensor.normal([2, 4, 3], using: &gen)
        let r2 = try gradcheck([t]) { v in try v[0].softmax(axis: 1) }
        XCTAssertTrue(r2.passed, "\(r2)")
    }

    func testLogSoftmaxGradient() throws {
        var gen = RandomGenerator(seed: 3)
        let m = try Tensor.normal([3, 5], using: &gen)
        let r1 = try gradcheck([m]) { v in try v[0].logSoftmax() }
        XCTAssertTrue(r1.passed, "\(r1)")
        let t = try Tensor.normal([2, 4, 3], using: &gen)
        let r2 = try gradcheck([t]) { v in try v[0].logSoftmax(axis: 0) }
        XCTAssertTrue(r2.passed, "\(r2)")
    }
}
