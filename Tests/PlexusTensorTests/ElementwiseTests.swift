import XCTest
@testable import PlexusTensor

/// The gradient of sum(f(x)) with respect to x: each element's local derivative.
private func localGradient(_ x: Tensor, _ f: (Variable) throws -> Variable) throws -> [Float] {
    let v = Variable(x, requiresGrad: true)
    return try gradients(of: try sumAll(try f(v)), withRespectTo: [v])[0].scalars
}

/// Elements pushed at least `gap` away from each of `kinks`, so central differences (eps 1e-2)
/// never straddle one.
private func awayFrom(_ kinks: [Float], _ t: Tensor, gap: Float = 0.1) throws -> Tensor {
    try Tensor(shape: t.shape, values: t.scalars.map { v in
        var v = v
        for k in kinks where Swift.abs(v - k) < gap { v = v < k ? k - gap : k + gap }
        return v
    })
}

final class ElementwiseTests: XCTestCase {
    func testUnaryValuesMatchHandComputedOnes() throws {
        let x = try Tensor(shape: [4], values: [0, 1, 4, 2.25])
        // Values from Python's math module (exp(1) = 2.718281828..., log(2.25) = 0.810930216...).
        XCTAssertEqual(exp(x).scalars[1], 2.7182817, accuracy: 1e-6)
        XCTAssertEqual(log(x).scalars[3], 0.8109302, accuracy: 1e-6)
        XCTAssertEqual(log(x).scalars[0], -.infinity)
        XCTAssertEqual(sqrt(x).scalars, [0, 1, 2, 1.5])
        XCTAssertEqual(square(x).scalars, [0, 1, 16, 5.0625])
        XCTAssertEqual(abs(try Tensor(shape: [3], values: [-2, 0, 3])).scalars, [2, 0, 3])
        XCTAssertEqual(pow(x, 3).scalars[3], 11.390625, accuracy: 1e-5)
    }

    func testUnaryGradientsMatchFiniteDifferences() throws {
        var gen = RandomGenerator(seed: 11)
        let any = try Tensor.normal([3, 5], using: &gen)
        let positive = try Tensor.uniform([3, 5], low: 0.5, high: 2.5, using: &gen)
        let checks: [(String, Tensor, (Variable) throws -> Variable)] = [
            ("exp", any, { exp($0) }),
            ("log", positive, { log($0) }),
            ("sqrt", positive, { sqrt($0) }),
            ("abs", try awayFrom([0], any), { abs($0) }),
            ("square", any, { square($0) }),
            ("pow 3", any, { pow($0, 3) }),
            ("pow 2", any, { pow($0, 2) }),
            ("pow -1.5", positive, { pow($0, -1.5) }),
        ]
        for (name, x, f) in checks {
            let r = try gradcheck([x]) { v in try f(v[0]) }
            XCTAssertTrue(r.passed, "\(name): \(r)")
        }
    }

    func testPowGradientHandValues() throws {
        // d/dx x^3 at 2 is 12; d/dx x^0 is 0 even at x = 0 (not 0 * inf = NaN).
        XCTAssertEqual(try localGradient(try Tensor(shape: [1], values: [2])) { pow($0, 3) }, [12])
        XCTAssertEqual(try localGradient(try Tensor(shape: [2], values: [0, 5])) { pow($0, 0) }, [0, 0])
    }

    func testAbsGradientAtZeroIsZero() throws {
        XCTAssertEqual(try localGradient(try Tensor(shape: [3], values: [-2, 0, 3])) { abs($0) }, [-1, 0, 1])
    }

    func testBroadcastPowGradientsReachBaseAndExponent() throws {
        var gen = RandomGenerator(seed: 12)
        let a = try Tensor.uniform([2, 3, 4], low: 0.5, high: 2, using: &gen)
        let b = try Tensor.uniform([3, 1], low: -1.5, high: 2.5, using: &gen)
        let r = try gradcheck([a, b]) { v in try pow(v[0], v[1]) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testPowExponentGradientByHand() throws {
        // d/db 2^b at b = 3 is 2^3 ln 2 = 5.5451774 (Python's math.log).
        let a = Variable(try Tensor(shape: [1], values: [2]), requiresGrad: true)
        let b = Variable(try Tensor(shape: [1], values: [3]), requiresGrad: true)
        let g = try gradients(of: try sumAll(try pow(a, b)), withRespectTo: [a, b])
        XCTAssertEqual(g[0].scalars[0], 12, accuracy: 1e-5)
        XCTAssertEqual(g[1].scalars[0], 5.5451774, accuracy: 1e-5)
    }

    func testPowZeroBaseGivesZeroExponentGradientNotNaN() throws {
        let a = Variable(try Tensor(shape: [2], values: [0, 0]))
        let b = Variable(try Tensor(shape: [2], values: [0, 2]), requiresGrad: true)
        let g = try gradients(of: try sumAll(try pow(a, b)), withRespectTo: [b])
        XCTAssertEqual(g[0].scalars, [0, 0])
    }

    func testMaximumAndMinimumBroadcastGradients() throws {
        var gen = RandomGenerator(seed: 13)
        // Distinct values (no ties within eps of each other) in shapes that broadcast both ways.
        let a = try Tensor.normal([2, 1, 3], using: &gen)
        let b = try Tensor(shape: [4, 3], values: try Tensor.normal([4, 3], using: &gen).scalars.map { $0 + 0.05 })
        for f: (Variable, Variable) throws -> Variable in [{ try maximum($0, $1) }, { try minimum($0, $1) }] {
            let r = try gradcheck([a, b]) { v in try f(v[0], v[1]) }
            XCTAssertTrue(r.passed, "\(r)")
        }
    }

    func testMaximumAndMinimumValues() throws {
        let a = try Tensor(shape: [2, 2], values: [1, 5, -3, 2])
        let b = try Tensor(shape: [2], values: [2, 0])
        XCTAssertEqual(try maximum(a, b).scalars, [2, 5, 2, 2])
        XCTAssertEqual(try minimum(a, b).scalars, [1, 0, -3, 0])
    }

    func testMaximumTieSplitsGradientEvenly() throws {
        let a = Variable(try Tensor(shape: [3], values: [1, 2, 3]), requiresGrad: true)
        let b = Variable(try Tensor(shape: [3], values: [0, 2, 4]), requiresGrad: true)
        let g = try gradients(of: try sumAll(try maximum(a, b)), withRespectTo: [a, b])
        XCTAssertEqual(g[0].scalars, [1, 0.5, 0])
        XCTAssertEqual(g[1].scalars, [0, 0.5, 1])
        let h = try gradients(of: try sumAll(try minimum(a, b)), withRespectTo: [a, b])
        XCTAssertEqual(h[0].scalars, [0, 0.5, 1])
        XCTAssertEqual(h[1].scalars, [1, 0.5, 0])
    }

    func testMaximumAndMinimumPropagateNaN() throws {
        let a = try Tensor(shape: [2], values: [.nan, 1])
        let b = try Tensor(shape: [2], values: [0, .nan])
        XCTAssertTrue(try maximum(a, b).scalars.allSatisfy(\.isNaN))
        XCTAssertTrue(try minimum(a, b).scalars.allSatisfy(\.isNaN))
    }

    func testBroadcastMismatchNamesBothShapes() throws {
        let a = Variable(try Tensor.zeros([2, 3])), b = Variable(try Tensor.zeros([4]))
        for f: (Variable, Variable) throws -> Variable in [{ try maximum($0, $1) }, { try minimum($0, $1) }, { try pow($0, $1) }] {
            XCTAssertThrowsError(try f(a, b)) { error in
                XCTAssertTrue("\(error)".contains("(2, 3)") && "\(error)".contains("(4,)"), "\(error)")
            }
        }
    }

    func testClampValuesAndOneSidedBounds() throws {
        let x = try Tensor(shape: [5], values: [-3, -1, 0, 1, 3])
        XCTAssertEqual(try clamp(x, min: -1, max: 2).scalars, [-1, -1, 0, 1, 2])
        XCTAssertEqual(try clamp(x, min: 0).scalars, [0, 0, 0, 1, 3])
        XCTAssertEqual(try clamp(x, max: 0).scalars, [-3, -1, 0, 0, 0])
    }

    func testClampGradientIsZeroOutsideAndPassesAtTheBounds() throws {
        let x = try Tensor(shape: [5], values: [-3, -1, 0, 2, 3])
        XCTAssertEqual(try localGradient(x) { try clamp($0, min: -1, max: 2) }, [0, 1, 1, 1, 0])
    }

    func testClampGradcheckAwayFromBounds() throws {
        var gen = RandomGenerator(seed: 14)
        let x = try awayFrom([-0.5, 0.7], try Tensor.normal([4, 3], using: &gen))
        let r = try gradcheck([x]) { v in try clamp(v[0], min: -0.5, max: 0.7) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testClampRejectsMinAboveMax() throws {
        XCTAssertThrowsError(try clamp(Variable(try Tensor.zeros([2])), min: 1, max: 0)) { error in
            XCTAssertEqual((error as? TensorError)?.op, "clamp")
        }
    }
}
