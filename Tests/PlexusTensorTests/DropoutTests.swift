import XCTest
@testable import PlexusTensor

final class DropoutTests: XCTestCase {
    func testInferenceReturnsTheInputUnchanged() throws {
        var gen = RandomGenerator(seed: 31)
        let x = Variable(try Tensor.normal([3, 4], using: &gen), requiresGrad: true)
        let y = try dropout(x, rate: 0.5, training: false, generator: &gen)
        XCTAssertTrue(y === x)
        XCTAssertEqual(try dropout(x.value, rate: 0.5, training: false, generator: &gen).scalars, x.value.scalars)
    }

    func testTrainingDropsTheRateAndScalesTheRestByTheInverseKeepProbability() throws {
        var gen = RandomGenerator(seed: 32)
        let n = 20_000
        let y = try dropout(try Tensor.ones([n]), rate: 0.25, training: true, generator: &gen)
        let kept = y.scalars.filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { $0 == 1 / Float(0.75) }, "kept values must all be 4/3")
        // Binomial(20000, 0.75): standard deviation of the kept fraction is 0.003; allow 4 of them.
        XCTAssertEqual(Double(kept.count) / Double(n), 0.75, accuracy: 0.012)
        // Inverted dropout keeps the expected value: the mean stays near 1.
        XCTAssertEqual(Double(kept.count) * Double(4.0 / 3) / Double(n), 1, accuracy: 0.016)
    }

    func testSameSeedReplaysTheSameMask() throws {
        let x = try Tensor.ones([64])
        var g1 = RandomGenerator(seed: 33), g2 = RandomGenerator(seed: 33), g3 = RandomGenerator(seed: 34)
        let a = try dropout(x, rate: 0.5, training: true, generator: &g1)
        XCTAssertEqual(a.scalars, try dropout(x, rate: 0.5, training: true, generator: &g2).scalars)
        XCTAssertNotEqual(a.scalars, try dropout(x, rate: 0.5, training: true, generator: &g3).scalars)
    }

    func testBackwardReusesTheForwardMask() throws {
        var gen = RandomGenerator(seed: 35)
        let x = Variable(try Tensor.uniform([50], low: 1, high: 2, using: &gen), requiresGrad: true)
        let y = try dropout(x, rate: 0.4, training: true, generator: &gen)
        let g = try gradients(of: try sumAll(y), withRespectTo: [x])[0]
        for i in 0..<50 {
            XCTAssertEqual(g[i], y.value[i] == 0 ? 0 : 1 / Float(0.6), "element \(i)")
        }
    }

    func testGradcheckWithAFixedMask() throws {
        var gen = RandomGenerator(seed: 36)
        let x = try Tensor.normal([3, 5], using: &gen)
        let r = try gradcheck([x]) { v in
            var g = RandomGenerator(seed: 37)
            return try dropout(v[0], rate: 0.3, training: true, generator: &g)
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testRateOneDropsEverything() throws {
        var gen = RandomGenerator(seed: 38)
        XCTAssertEqual(try dropout(try Tensor.ones([8]), rate: 1, training: true, generator: &gen).scalars,
                       [Float](repeating: 0, count: 8))
    }

    func testRateOutsideTheUnitIntervalThrows() throws {
        var gen = RandomGenerator(seed: 39)
        let x = try Tensor.ones([4])
        XCTAssertThrowsError(try dropout(x, rate: 1.5, training: true, generator: &gen))
        XCTAssertThrowsError(try dropout(x, rate: -0.1, training: false, generator: &gen))
        XCTAssertThrowsError(try dropout(x, rate: .nan, training: true, generator: &gen))
    }
}
