import PlexusTensor
import PlexusNN
import XCTest

/// The fused kernel + bias + activation ops: gradients against central differences (non-square
/// shapes, strides and groups that would expose a transposed or missing term), and values against
/// the unfused tensor ops.
final class FusedOpTests: XCTestCase {
    /// Bias of +-2 keeps every pre-activation well away from relu's kink at 0 (|x w| < 1.5 here),
    /// so the check sees both branches without straddling the kink.
    private func farFromZeroBias(_ n: Int) throws -> Tensor {
        try Tensor(shape: [n], values: (0..<n).map { $0 % 2 == 0 ? 2 : -2 })
    }

    func testFusedDenseOnARank3InputWithReluPassesGradcheck() throws {
        let x = try seededTensor([2, 3, 4], seed: 1, low: -0.5, high: 0.5)
        let w = try seededTensor([4, 5], seed: 2, low: -0.5, high: 0.5)
        let r = try gradcheck([x, w, farFromZeroBias(5)]) { v in
            try fusedDense(v[0], kernel: v[1], bias: v[2], activation: .relu)
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testFusedDenseWithGeluTakesItsDerivativeFromTheInputAndPassesGradcheck() throws {
        let x = try seededTensor([3, 4], seed: 3), w = try seededTensor([4, 2], seed: 4), b = try seededTensor([2], seed: 5)
        let r = try gradcheck([x, w, b]) { v in try fusedDense(v[0], kernel: v[1], bias: v[2], activation: .gelu(approximate: false)) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testFusedDenseWithSoftmaxPassesGradcheck() throws {
        let x = try seededTensor([3, 4], seed: 6), w = try seededTensor([4, 3], seed: 7), b = try seededTensor([3], seed: 8)
        let r = try gradcheck([x, w, b]) { v in try fusedDense(v[0], kernel: v[1], bias: v[2], activation: .softmax) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testFusedConv2dWithStridesPaddingAndSigmoidPassesGradcheck() throws {
        let x = try seededTensor([2, 5, 4, 3], seed: 9), k = try seededTensor([3, 2, 3, 4], seed: 10)
        let b = try seededTensor([4], seed: 11)
        let r = try gradcheck([x, k, b]) { v in
            try fusedConv2d(v[0], kernel: v[1], bias: v[2], activation: .sigmoid, strides: (2, 1), padding: .same)
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testFusedGroupedConv2dWithReluPassesGradcheck() throws {
        let x = try seededTensor([1, 4, 5, 4], seed: 12, low: -0.3, high: 0.3)
        let k = try seededTensor([2, 3, 2, 6], seed: 13, low: -0.3, high: 0.3)
        let r = try gradcheck([x, k, farFromZeroBias(6)]) { v in
            try fusedConv2d(v[0], kernel: v[1], bias: v[2], activation: .relu, padding: .valid, dilation: (1, 2), groups: 2)
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testFusedPerSampleConvWithTanhPassesGradcheck() throws {
        let x = try seededTensor([2, 5, 4, 2], seed: 14), k = try seededTensor([2, 3, 2, 2, 3], seed: 15)
        let b = try seededTensor([3], seed: 16)
        let r = try gradcheck([x, k, b]) { v in
            try fusedConv2dPerSample(v[0], kernels: v[1], bias: v[2], activation: .tanh, strides: (1, 2), padding: .same)
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testFusedConvTransposeWithExtraRowsPassesGradcheck() throws {
        let x = try seededTensor([1, 3, 2, 2], seed: 17), k = try seededTensor([3, 2, 3, 2], seed: 18)
        let b = try seededTensor([3], seed: 19)
        let r = try gradcheck([x, k, b]) { v in
            try fusedConv2dTranspose(v[0], kernel: v[1], bias: v[2], activation: .elu(alpha: 1), strides: (2, 2),
                                     padding: .explicit(top: 1, bottom: 0, left: 0, right: 0), extra: (1, 2))
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testFusedDenseEqualsMatmulPlusBiasThenActivation() throws {
        let x = try seededTensor([4, 3], seed: 20), w = try seededTensor([3, 5], seed: 21), b = try seededTensor([5], seed: 22)
        for act in [ActivationFunction.relu, .silu, .leakyRelu(alpha: 0.2), .elu(alpha: 1), .relu6, .sigmoid] {
            let y = try fusedDense(Variable(x), kernel: Variable(w), bias: Variable(b), activation: act).value
            let expected = try act.apply(Variable(matmul(x, w).broadcasting(b, op: "add", +))).value
            assertAllClose(y, expected, "\(act)")
        }
    }

    func testFusedOpWithoutGradientsRecordsNothing() throws {
        let w = Variable(try seededTensor([3, 2], seed: 23), requiresGrad: true)
        let y = try withoutGradients { try fusedDense(Variable(seededTensor([1, 3], seed: 24)), kernel: w, bias: nil, activation: .gelu(approximate: false)) }
        XCTAssertFalse(y.requiresGrad)
        let z = try fusedDense(Variable(seededTensor([1, 3], seed: 24)), kernel: w, bias: nil, activation: .gelu(approximate: false))
        XCTAssertTrue(z.requiresGrad)
        assertAllClose(y.value, z.value)
    }

    func testAFusedOpThatDoesNotFitNamesBothShapes() throws {
        XCTAssertEqual(errorMessage { try fusedDense(Variable(Tensor.zeros([2, 3])), kernel: Variable(Tensor.zeros([4, 2])), bias: nil, activation: .relu) },
                       "dense: input (2, 3) does not fit kernel (4, 2): the input's last axis must be the kernel's first")
        XCTAssertEqual(errorMessage { try fusedDense(Variable(Tensor.zeros([2, 3])), kernel: Variable(Tensor.zeros([3, 2])), bias: Variable(Tensor.zeros([3])), activation: .relu) },
                       "dense: bias (3,) does not match the last axis of the output (2, 2)")
    }
}
