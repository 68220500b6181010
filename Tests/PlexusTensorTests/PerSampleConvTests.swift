import XCTest
@testable import PlexusTensor

private func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var gen = RandomGenerator(seed: seed)
    return try Tensor.normal(shape, using: &gen)
}

/// Element `i` of the leading axis as a tensor of the remaining shape (with a batch of 1 kept when
/// `keepBatch`).
private func slice(_ t: Tensor, _ i: Int, keepBatch: Bool) throws -> Tensor {
    let inner = Array(t.shape.dropFirst())
    let n = inner.reduce(1, *)
    return try Tensor(shape: keepBatch ? [1] + inner : inner, values: Array(t.scalars[(i * n)..<((i + 1) * n)]))
}

final class PerSampleConvTests: XCTestCase {
    func testBatchOfFourEqualsFourSeparateConvs() throws {
        let x = try random([4, 6, 5, 3], seed: 1), k = try random([4, 3, 2, 3, 2], seed: 2)
        let y = try conv2dPerSample(x, k, strides: (2, 1), padding: .same)
        XCTAssertEqual(y.shape, [4, 3, 5, 2])
        for i in 0..<4 {
            let yi = try conv2d(slice(x, i, keepBatch: true), slice(k, i, keepBatch: false), strides: (2, 1), padding: .same)
            XCTAssertEqual(try slice(y, i, keepBatch: true).scalars, yi.scalars, "sample \(i)")
        }
    }

    func testSamplesDoNotShareKernels() throws {
        // Same image twice, kernels 1 and 2 (1x1): the second output is twice the first.
        let x = try Tensor(shape: [2, 1, 2, 1], values: [3, 4, 3, 4])
        let k = try Tensor(shape: [2, 1, 1, 1, 1], values: [1, 2])
        XCTAssertEqual(try conv2dPerSample(x, k).scalars, [3, 4, 6, 8])
    }

    func testGradientsReachImagesAndKernels() throws {
        let x = try random([3, 5, 4, 2], seed: 3), k = try random([3, 3, 3, 2, 2], seed: 4)
        let r = try gradcheck([x, k]) { v in try conv2dPerSample(v[0], v[1], strides: (2, 1), padding: .same) }
        XCTAssertTrue(r.passed, "\(r)")
        let r1 = try gradcheck([x, try random([3, 1, 1, 2, 3], seed: 5)]) { v in try conv2dPerSample(v[0], v[1]) }
        XCTAssertTrue(r1.passed, "1x1 path: \(r1)")
    }

    func testGradientFlowsIntoTheBranchThatMadeTheKernels() throws {
        // kernels = 2 * w: the generator's gradient is twice the kernels' gradient.
        let w = Variable(try random([2, 2, 2, 1, 1], seed: 6), requiresGrad: true)
        let kernels = w * 2
        let x = Variable(try random([2, 4, 4, 1], seed: 7))
        let y = try conv2dPerSample(x, kernels)
        let g = try gradients(of: try sumAll(y), withRespectTo: [w, kernels])
        XCTAssertGreaterThan(g[0].scalars.map(abs).max() ?? 0, 0)
        XCTAssertEqual(g[0].scalars, g[1].scalars.map { 2 * $0 })
    }

    func testKernelCountMustMatchTheBatch() throws {
        XCTAssertThrowsError(try conv2dPerSample(Tensor.zeros([4, 5, 5, 1]), Tensor.zeros([3, 3, 3, 1, 2]))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("(4, 5, 5, 1)") && text.contains("(3, 3, 3, 1, 2)"), text)
        }
    }
}

extension PerSampleConvTests {
    /// Few channels (1 -> 8, 2 -> 16) take the direct kernel over the whole batch: its output and
    /// both gradients must equal each sample's own conv2d, which runs the depthwise loop (1 input
    /// channel) or im2col and GEMM (2). The 32x32 batch of 4 is split across the cores.
    func testDirectKernelMatchesSeparateConvsAndTheirGradients() throws {
        let configurations: [(x: [Int], k: [Int], strides: (Int, Int), padding: Padding, dilation: (Int, Int))] = [
            ([3, 9, 8, 1], [3, 3, 3, 1, 8], (1, 1), .same, (1, 1)),
            ([2, 7, 6, 2], [2, 2, 3, 2, 16], (2, 1), .same, (1, 2)),
            ([2, 6, 7, 1], [2, 3, 2, 1, 8], (1, 2), .explicit(top: 2, bottom: 0, left: 1, right: 3), (2, 1)),
            ([4, 32, 32, 1], [4, 3, 3, 1, 8], (1, 1), .same, (1, 1)),
        ]
        for (i, c) in configurations.enumerated() {
            let name = "configuration \(i)"
            let x = try random(c.x, seed: UInt64(20 + i)), k = try random(c.k, seed: UInt64(40 + i))
            let g = try perSampleGeometry(op: "test", input: c.x, kernels: c.k, strides: c.strides, padding: c.padding,
                                          dilation: c.dilation)
            XCTAssertTrue(g.perSampleDirect, name)
            let y = try conv2dPerSample(x, k, strides: c.strides, padding: c.padding, dilation: c.dilation)
            let dy = try random(y.shape, seed: UInt64(60 + i))
            let grads = try conv2dPerSampleGradients(x, k, outputGradient: dy, strides: c.strides, padding: c.padding,
                                                     dilation: c.dilation)
            let dx = try XCTUnwrap(grads.input), dk = try XCTUnwrap(grads.kernels)
            for n in 0..<c.x[0] {
                let xn = try slice(x, n, keepBatch: true), kn = try slice(k, n, keepBatch: false)
                let yn = try conv2d(xn, kn, strides: c.strides, padding: c.padding, dilation: c.dilation)
                let gn = try conv2dGradients(xn, kn, outputGradient: slice(dy, n, keepBatch: true), strides: c.strides,
                                             padding: c.padding, dilation: c.dilation)
                assertClose(try slice(y, n, keepBatch: true).scalars, yn.scalars, "\(name) output, sample \(n)")
                assertClose(try slice(dx, n, keepBatch: true).scalars, try XCTUnwrap(gn.input).scalars, "\(name) dx, sample \(n)")
                assertClose(try slice(dk, n, keepBatch: false).scalars, try XCTUnwrap(gn.kernel).scalars, "\(name) dk, sample \(n)")
            }
        }
    }

    func testDirectKernelGradcheck() throws {
        let x = try random([2, 5, 4, 1], seed: 8), k = try random([2, 3, 3, 1, 8], seed: 9)
        let r = try gradcheck([x, k]) { v in try conv2dPerSample(v[0], v[1], strides: (2, 1), padding: .same) }
        XCTAssertTrue(r.passed, "\(r)")
    }
}

private func assertClose(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, message, file: file, line: line)
    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, 1e-4, message, file: file, line: line)
}
