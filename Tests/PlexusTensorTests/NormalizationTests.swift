import XCTest
@testable import PlexusTensor

final class NormalizationTests: XCTestCase {
    func vector(_ values: [Float]) throws -> Tensor { try Tensor(shape: [values.count], values: values) }

    func testBatchNormTrainingOfOneChannelMatchesHandValues() throws {
        let x = try Tensor(shape: [4, 1], values: [1, 2, 3, 4])
        var mean = try Tensor.zeros([1]), variance = try Tensor.ones([1])
        let y = try batchNorm(x, gamma: try .ones([1]), beta: try .zeros([1]),
                              runningMean: &mean, runningVar: &variance, training: true)
        // Batch mean 2.5, biased variance 1.25.
        let s = Float((1.25 + 1e-3).squareRoot())
        let expected: [Float] = [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]
        for (a, e) in zip(y.scalars, expected) { XCTAssertEqual(a, e, accuracy: 1e-6) }
    }

    func testBatchNormMovingUpdateUsesTheBiasedBatchVariance() throws {
        let x = try Tensor(shape: [4, 1], values: [1, 2, 3, 4])
        var mean = try Tensor.zeros([1]), variance = try Tensor.ones([1])
        _ = try batchNorm(x, gamma: try .ones([1]), beta: try .zeros([1]),
                          runningMean: &mean, runningVar: &variance, training: true)
        // 0 * 0.99 + 2.5 * 0.01, and 1 * 0.99 + 1.25 * 0.01 (the unbiased 5/3 would give 1.006667).
        XCTAssertEqual(mean.scalars[0], 0.025, accuracy: 1e-7)
        XCTAssertEqual(variance.scalars[0], 1.0025, accuracy: 1e-7)
    }

    func testBatchNormInferenceUsesTheMovingStatisticsAndLeavesThemAlone() throws {
        let x = try Tensor(shape: [2, 1, 2], values: [1, 2, 3, 4])
        var mean = try vector([1, -1]), variance = try vector([4, 0.25])
        let y = try batchNorm(x, gamma: try vector([2, 1]), beta: try vector([0.5, 0]),
                              runningMean: &mean, runningVar: &variance, training: false)
        let s0 = Float((4 + 1e-3).squareRoot()), s1 = Float((0.25 + 1e-3).squareRoot())
        let expected: [Float] = [2 * 0 / s0 + 0.5, 3 / s1, 2 * 2 / s0 + 0.5, 5 / s1]
        for (a, e) in zip(y.scalars, expected) { XCTAssertEqual(a, e, accuracy: 1e-5) }
        XCTAssertEqual(mean.scalars, [1, -1])
        XCTAssertEqual(variance.scalars, [4, 0.25])
    }

    func testBatchNormTrainingGradcheckThroughBatchStatistics() throws {
        var gen = RandomGenerator(seed: 21)
        let x = try Tensor.normal([3, 2, 2, 3], using: &gen)
        let gamma = try Tensor.uniform([3], low: 0.5, high: 1.5, using: &gen)
        let beta = try Tensor.normal([3], using: &gen)
        let r = try gradcheck([x, gamma, beta]) { v in
            var m = try Tensor.zeros([3]), s = try Tensor.ones([3])
            return try batchNorm(v[0], gamma: v[1], beta: v[2], runningMean: &m, runningVar: &s, training: true)
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testBatchNormInferenceGradcheckIsAnAffineMap() throws {
        var gen = RandomGenerator(seed: 22)
        let x = try Tensor.normal([2, 3, 4], using: &gen)
        let gamma = try Tensor.uniform([4], low: 0.5, high: 1.5, using: &gen)
        let beta = try Tensor.normal([4], using: &gen)
        let mean = try Tensor.normal([4], using: &gen)
        let variance = try Tensor.uniform([4], low: 0.5, high: 2, using: &gen)
        let r = try gradcheck([x, gamma, beta]) { v in
            var m = mean, s = variance
            return try batchNorm(v[0], gamma: v[1], beta: v[2], runningMean: &m, runningVar: &s, training: false)
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testBatchNormNormalisesEachChannelOfALargeBatch() throws {
        // Large enough for the statistics to be summed in chunks on both cores.
        var gen = RandomGenerator(seed: 23)
        let c = 16
        var x = try Tensor.normal([64, 8, 8, c], using: &gen)
        x.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = p[i] * Float(i % c + 1) + Float(i % c) }   // channel k: N(k, (k+1)^2)
        }
        var mean = try Tensor.zeros([c]), variance = try Tensor.ones([c])
        let y = try batchNorm(x, gamma: try .ones([c]), beta: try .zeros([c]),
                              runningMean: &mean, runningVar: &variance, training: true)
        let rows = y.count / c
        for k in [0, 7, 15] {
            var s = 0.0, ss = 0.0, xs = 0.0
            y.withUnsafeBufferPointer { p in
                for r in 0..<rows { let v = Double(p[r * c + k]); s += v; ss += v * v }
            }
            x.withUnsafeBufferPointer { p in for r in 0..<rows { xs += Double(p[r * c + k]) } }
            XCTAssertEqual(s / Double(rows), 0, accuracy: 1e-4)
            XCTAssertEqual(ss / Double(rows), 1, accuracy: 2e-3)
            // moving mean 0 * 0.99 + batch mean * 0.01
            XCTAssertEqual(Double(mean.scalars[k]), xs / Double(rows) * 0.01, accuracy: 1e-6)
        }
    }

    func testBatchNormChannelMismatchThrowsNamingBothShapes() throws {
        var mean = try Tensor.zeros([3]), variance = try Tensor.ones([3])
        XCTAssertThrowsError(try batchNorm(try Tensor.zeros([2, 4]), gamma: try .ones([3]), beta: try .zeros([3]),
                                           runningMean: &mean, runningVar: &variance, training: true)) { error in
            XCTAssertTrue("\(error)".contains("(3,)") && "\(error)".contains("(2, 4)"), "\(error)")
        }
    }

    func testBatchNormTrainingOnAnEmptyBatchThrows() throws {
        var mean = try Tensor.zeros([2]), variance = try Tensor.ones([2])
        XCTAssertThrowsError(try batchNorm(try Tensor.zeros([0, 2]), gamma: try .ones([2]), beta: try .zeros([2]),
                                           runningMean: &mean, runningVar: &variance, training: true))
    }

    func testLayerNormOfTwoRowsMatchesHandValues() throws {
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 2, 4, 6])
        let y = try layerNorm(x, gamma: try vector([1, 2, 1]), beta: try vector([0, 0, 1]))
        // Row 0: mean 2, biased variance 2/3; row 1: mean 4, variance 8/3.
        let s0 = Float((2.0 / 3 + 1e-3).squareRoot()), s1 = Float((8.0 / 3 + 1e-3).squareRoot())
        let expected: [Float] = [-1 / s0, 0, 1 / s0 + 1, -2 / s1, 0, 2 / s1 + 1]
        for (a, e) in zip(y.scalars, expected) { XCTAssertEqual(a, e, accuracy: 1e-5) }
    }

    func testLayerNormGradcheckOverTheLastAxis() throws {
        var gen = RandomGenerator(seed: 24)
        let x = try Tensor.normal([2, 3, 5], using: &gen)
        let gamma = try Tensor.uniform([5], low: 0.5, high: 1.5, using: &gen)
        let beta = try Tensor.normal([5], using: &gen)
        let r = try gradcheck([x, gamma, beta]) { v in try layerNorm(v[0], gamma: v[1], beta: v[2]) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testLayerNormGradcheckOverAMiddleAxis() throws {
        var gen = RandomGenerator(seed: 25)
        let x = try Tensor.normal([2, 4, 3], using: &gen)
        let gamma = try Tensor.uniform([4], low: 0.5, high: 1.5, using: &gen)
        let beta = try Tensor.normal([4], using: &gen)
        let r = try gradcheck([x, gamma, beta]) { v in try layerNorm(v[0], gamma: v[1], beta: v[2], axis: 1) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testLayerNormGammaMismatchThrowsNamingBothShapes() throws {
        XCTAssertThrowsError(try layerNorm(try Tensor.zeros([2, 5]), gamma: try .ones([4]), beta: try .zeros([5]))) { error in
            XCTAssertTrue("\(error)".contains("(4,)") && "\(error)".contains("(2, 5)"), "\(error)")
        }
        XCTAssertThrowsError(try layerNorm(try Tensor.zeros([2, 5]), gamma: try .ones([5]), beta: try .zeros([5]), axis: 2))
    }
}
