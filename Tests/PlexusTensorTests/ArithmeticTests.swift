import XCTest
@testable import PlexusTensor

final class ArithmeticTests: XCTestCase {
    func testAddBroadcastsRowVectorOverMatrix() throws {
        let a = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3], values: [10, 20, 30])
        let c = try Variable(a) + Variable(b)
        XCTAssertEqual(c.shape, [2, 3])
        XCTAssertEqual(c.value.scalars, [11, 22, 33, 14, 25, 36])
    }

    func testIncompatibleShapesThrowWithBothShapes() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4])
        XCTAssertThrowsError(try Variable(a) + Variable(b)) { error in
            XCTAssertTrue("\(error)".contains("(2, 3)") && "\(error)".contains("(4,)"), "\(error)")
        }
    }

    func testBroadcastGradientsSumBackToOperandShapes() throws {
        var gen = RandomGenerator(seed: 1)
        let a = try Tensor.normal([3, 1, 4], using: &gen)
        let b = try Tensor.normal([2, 1], using: &gen)
        for f: (Variable, Variable) throws -> Variable in [{ try $0 + $1 }, { try $0 - $1 }, { try $0 * $1 }] {
            let r = try gradcheck([a, b]) { v in try f(v[0], v[1]) }
            XCTAssertTrue(r.passed, "\(r)")
        }
    }

    func testDivideGradientCoversNumeratorAndDenominator() throws {
        var gen = RandomGenerator(seed: 2)
        let a = try Tensor.normal([2, 3], using: &gen)
        let b = try Tensor.uniform([3], low: 1, high: 2, using: &gen)
        let r = try gradcheck([a, b]) { v in try v[0] / v[1] }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testGradcheckCatchesAWrongSign() throws {
        var gen = RandomGenerator(seed: 3)
        let a = try Tensor.normal([4], using: &gen)
        let r = try gradcheck([a]) { v in
            Variable.record(v[0].value.mapElements { 2 * $0 }, parents: [v[0]], op: .multiplyScalar) { g in [g.mapElements { -2 * $0 }] }
        }
        XCTAssertFalse(r.passed, "a wrong backward rule must fail the check: \(r)")
    }

    func testSharedInputGradientsAccumulate() throws {
        let x = Variable(try Tensor(shape: [2], values: [3, -1]), requiresGrad: true)
        let y = try x * x + x          // dy/dx = 2x + 1
        let g = try gradients(of: try sumAll(y), withRespectTo: [x])
        XCTAssertEqual(g[0].scalars, [7, -1])
    }

    func testGradientWithRespectToAComputedVariable() throws {
        let w = Variable(try Tensor(shape: [2], values: [1, 2]), requiresGrad: true)
        let k = w * 3                  // a generated "kernel"
        let y = try sumAll(try k * k)  // dy/dk = 2k
        let g = try gradients(of: y, withRespectTo: [k, w])
        XCTAssertEqual(g[0].scalars, [6, 12])
        XCTAssertEqual(g[1].scalars, [18, 36])
    }

    func testNoGradModeRecordsNoTape() throws {
        let w = Variable(try Tensor.ones([2]), requiresGrad: true)
        let y = try withoutGradients { try w + w }
        XCTAssertFalse(y.requiresGrad)
    }

    func testHugeAllocationIsAnError() {
        XCTAssertThrowsError(try Tensor.zeros([100_000, 100_000, 100]))
    }

    func testSeededGeneratorIsReproducible() throws {
        var g1 = RandomGenerator(seed: 42), g2 = RandomGenerator(seed: 42)
        XCTAssertEqual(try Tensor.normal([16], using: &g1).scalars, try Tensor.normal([16], using: &g2).scalars)
    }
}

extension ArithmeticTests {
    /// The written-out same-shape loops of `arithmetic` agree with the operator applied element by
    /// element (through the general broadcasting path), infinities and NaN included; other shapes
    /// broadcast as before.
    func testArithmeticOnOneShapeEqualsTheOperatorElementByElement() throws {
        var gen = RandomGenerator(seed: 5)
        var a = try Tensor.normal([3, 37], using: &gen), b = try Tensor.normal([3, 37], using: &gen)
        a.withUnsafeMutableBufferPointer { $0[0] = .infinity; $0[1] = .nan; $0[2] = 1 }
        b.withUnsafeMutableBufferPointer { $0[2] = 0; $0[3] = 0 }
        for op in [Arithmetic.add, .subtract, .multiply, .divide] {
            let fast = try a.arithmetic(op, b, op: "test")
            let slow = try a.broadcasting(b, op: "test", op.function)
            XCTAssertEqual(fast.shape, [3, 37])
            for (x, y) in zip(fast.scalars, slow.scalars) {
                XCTAssertTrue(x == y || (x.isNaN && y.isNaN), "\(op): \(x) vs \(y)")
            }
        }
        let row = try Tensor.normal([37], using: &gen)
        XCTAssertEqual(try a.arithmetic(.add, row, op: "test").shape, [3, 37], "a row still broadcasts")
        XCTAssertThrowsError(try a.arithmetic(.add, Tensor.zeros([4]), op: "test"))
    }
}
