import Foundation
import XCTest
@testable import PlexusTensor

/// How many units in the last place of `expected` separate `actual` from it (0 when both are
/// the same infinity or both NaN; infinite when only one is).
private func ulps(_ actual: Float, _ expected: Float) -> Float {
    if actual.isNaN && expected.isNaN { return 0 }
    if actual == expected { return 0 }
    if !actual.isFinite || !expected.isFinite { return .infinity }
    return abs(actual - expected) / Swift.max(expected.ulp, Float.leastNonzeroMagnitude)
}

/// `f` (a lane-wise function) applied to every value, eight at a time.
private func lanes(_ values: [Float], _ f: (Float8) -> Float8) -> [Float] {
    var out = [Float](repeating: 0, count: values.count)
    values.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
            mapLanes(x.baseAddress!, y.baseAddress!, 0..<values.count, f)
        }
    }
    return out
}

/// `count` values evenly spaced over `range`, plus `extra`.
private func sweep(_ range: ClosedRange<Float>, _ count: Int, extra: [Float] = []) -> [Float] {
    (0..<count).map { range.lowerBound + (range.upperBound - range.lowerBound) * Float($0) / Float(count - 1) } + extra
}

/// Positive floats from the smallest denormal to the largest finite one, every 9973rd bit pattern.
private let positives: [Float] = stride(from: UInt32(1), to: Float.greatestFiniteMagnitude.bitPattern, by: 9973).map {
    Float(bitPattern: $0)
}

private let specials: [Float] = [0, -0.0, .infinity, -.infinity, .nan, .leastNormalMagnitude, .leastNonzeroMagnitude,
                                 -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1]

/// The worst error of `f` against `reference` over `values`, and the value it happened at.
private func worst(_ values: [Float], _ f: (Float8) -> Float8, _ reference: (Float) -> Float) -> (ulps: Float, at: Float) {
    let got = lanes(values, f)
    var result: (ulps: Float, at: Float) = (0, .nan)
    for (v, g) in zip(values, got) {
        let e = ulps(g, reference(v))
        if e > result.ulps || e.isNaN { result = (e, v) }
    }
    return result
}

final class VectorMathTests: XCTestCase {
    func testExpIsWithinTwoUlpsOfLibmFromUnderflowToOverflow() {
        let values = sweep(-110...95, 100_003, extra: specials + [-103.97, -87.34, 88.72, 88.73, 1e-10, -1e-10])
        let e = worst(values, { VectorMath.exp($0) }, { Foundation.exp($0) })
        XCTAssertLessThanOrEqual(e.ulps, 2, "worst at x = \(e.at)")
    }

    func testLogIsWithinTwoUlpsOfLibmOverEveryExponent() {
        let values = positives + specials + sweep(0.5...2, 100_001)
        let e = worst(values, { VectorMath.log($0) }, { Foundation.log($0) })
        XCTAssertLessThanOrEqual(e.ulps, 2, "worst at x = \(e.at)")
    }

    func testLog1pKeepsTheDigitsOfSmallArguments() {
        let tiny: [Float] = [1e-30, -1e-30, 1e-8, -1e-8, 3e-5, -0.999_999, 1e30, .leastNonzeroMagnitude]
        let values = sweep(-0.999...10, 100_001, extra: tiny + specials + positives.filter { $0 < 1e-3 })
        let e = worst(values, { VectorMath.log1p($0) }, { Foundation.log1p($0) })
        XCTAssertLessThanOrEqual(e.ulps, 3, "worst at x = \(e.at)")
    }

    func testTanhIsWithinFourUlpsOfLibmIncludingNearZero() {
        let values = sweep(-12...12, 100_001, extra: specials + [1e-20, -1e-20, 0.624_999, 0.625, -0.625])
        let e = worst(values, { VectorMath.tanh($0) }, { Foundation.tanh($0) })
        XCTAssertLessThanOrEqual(e.ulps, 4, "worst at x = \(e.at)")
    }

    func testSigmoidMatchesItsDefinitionInDoubleWithoutOverflow() {
        let values = sweep(-104...104, 100_001, extra: specials.filter { !$0.isNaN })
        let e = worst(values, { VectorMath.sigmoid($0) }, { Float(1 / (1 + Foundation.exp(-Double($0)))) })
        XCTAssertLessThanOrEqual(e.ulps, 4, "worst at x = \(e.at)")
        XCTAssertEqual(lanes([-100, 100, .nan], { VectorMath.sigmoid($0) })[0], 3.720_076e-44, accuracy: 1e-48)
        XCTAssertTrue(lanes([.nan], { VectorMath.sigmoid($0) })[0].isNaN)
    }

    func testSoftplusMatchesLibmFormula() {
        let values = sweep(-100...100, 100_001)
        let e = worst(values, { VectorMath.softplus($0) }, { Float(Foundation.log1p(Foundation.exp(Double($0)))) })
        XCTAssertLessThanOrEqual(e.ulps, 4, "worst at x = \(e.at)")
    }

    func testTailShorterThanEightLanesGetsTheSameFormula() {
        // 11 values: one full block of eight, a tail of three; each equals its value computed alone.
        let values: [Float] = (0..<11).map { Float($0) * 0.7 - 3 }
        let got = lanes(values, { VectorMath.exp($0) })
        for (v, g) in zip(values, got) { XCTAssertEqual(g, VectorMath.exp(v), "x = \(v)") }
    }
}
