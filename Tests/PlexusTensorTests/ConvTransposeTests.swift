import XCTest
@testable import PlexusTensor

private func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var gen = RandomGenerator(seed: seed)
    return try Tensor.normal(shape, using: &gen)
}

private func dot(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// A transposed-convolution configuration: the conv2d input shape `x` it maps back to, the conv2d
/// kernel `w` (kh, kw, Cin, Cout) that is also the transposed kernel (kh, kw, out, in).
private struct Case: Sendable {
    var name: String
    var x: [Int], w: [Int]
    var strides = (1, 1), padding = Padding.valid, dilation = (1, 1)
}

private let cases: [Case] = [
    Case(name: "stride 2 same", x: [2, 8, 6, 3], w: [3, 3, 3, 4], strides: (2, 2), padding: .same),
    Case(name: "stride 2 valid, kernel 3", x: [1, 9, 7, 2], w: [3, 3, 2, 3], strides: (2, 2)),
    Case(name: "non-square kernel and strides", x: [2, 7, 9, 2], w: [3, 2, 2, 2], strides: (2, 3)),
    Case(name: "kernel smaller than stride", x: [1, 6, 6, 1], w: [1, 1, 1, 2], strides: (2, 2)),
    Case(name: "dilation 2 same", x: [1, 6, 5, 2], w: [2, 3, 2, 2], padding: .same, dilation: (2, 2)),
    Case(name: "explicit padding", x: [1, 6, 5, 2], w: [3, 3, 2, 3], strides: (2, 1), padding: .explicit(top: 1, bottom: 0, left: 1, right: 1)),
]

final class ConvTransposeTests: XCTestCase {
    func testStrideTwoValidPlacesAScaledKernelPerPixel() throws {
        // Kernel 2x2 = stride: each input pixel writes v * kernel into its own 2x2 block, no overlap.
        // By hand, blocks 1*w, 2*w / 3*w, 4*w with w = [[1, 2], [3, 4]].
        let x = try Tensor(shape: [1, 2, 2, 1], values: [1, 2, 3, 4])
        let w = try Tensor(shape: [2, 2, 1, 1], values: [1, 2, 3, 4])
        let y = try conv2dTranspose(x, w, strides: (2, 2))
        XCTAssertEqual(y.shape, [1, 4, 4, 1])
        XCTAssertEqual(y.scalars, [1, 2, 2, 4,
                                   3, 4, 6, 8,
                                   3, 6, 4, 8,
                                   9, 12, 12, 16])
    }

    func testOverlappingWindowsAdd() throws {
        // 1-D along the width: x = (1, 2), kernel (1, 1, 1), stride 1 valid -> (1, 3, 2).
        let x = try Tensor(shape: [1, 1, 2, 1], values: [1, 2])
        let w = try Tensor(shape: [1, 3, 1, 1], values: [1, 1, 1])
        XCTAssertEqual(try conv2dTranspose(x, w).scalars, [1, 3, 3, 2])
    }

    func testOutputSizesFollowKeras() throws {
        // valid: (in - 1) * s + k when k >= s, in * s when k < s; same: in * s.
        XCTAssertEqual(try conv2dTransposeOutputShape(input: [1, 5, 4, 2], kernel: [3, 3, 6, 2], strides: (2, 2)), [1, 11, 9, 6])
        XCTAssertEqual(try conv2dTransposeOutputShape(input: [1, 5, 4, 2], kernel: [1, 1, 6, 2], strides: (2, 2)), [1, 10, 8, 6])
        XCTAssertEqual(try conv2dTransposeOutputShape(input: [1, 5, 4, 2], kernel: [3, 3, 6, 2], strides: (2, 2), padding: .same), [1, 10, 8, 6])
        XCTAssertEqual(try conv2dTransposeOutputShape(input: [1, 5, 4, 2], kernel: [3, 3, 6, 2], dilation: (2, 2)), [1, 9, 8, 6])
    }

    func testIsTheAdjointOfConv2d() throws {
        for (i, c) in cases.enumerated() {
            let x = try random(c.x, seed: UInt64(10 + i)), w = try random(c.w, seed: UInt64(20 + i))
            let y = try random(try conv2dOutputShape(input: c.x, kernel: c.w, strides: c.strides, padding: c.padding,
                                                     dilation: c.dilation), seed: UInt64(30 + i))
            let t = try conv2dTranspose(y, w, strides: c.strides, padding: c.padding, dilation: c.dilation)
            XCTAssertEqual(t.shape, x.shape, c.name)
            let lhs = dot(try conv2d(x, w, strides: c.strides, padding: c.padding, dilation: c.dilation), y)
            XCTAssertEqual(dot(x, t), lhs, accuracy: 1e-4 * abs(lhs) + 1e-4, c.name)
        }
    }

    func testGradients() throws {
        for (i, c) in cases.enumerated() {
            let w = try random(c.w, seed: UInt64(40 + i))
            let y = try random(try conv2dOutputShape(input: c.x, kernel: c.w, strides: c.strides, padding: c.padding,
                                                     dilation: c.dilation), seed: UInt64(50 + i))
            let r = try gradcheck([y, w]) { v in
                try conv2dTranspose(v[0], v[1], strides: c.strides, padding: c.padding, dilation: c.dilation)
            }
            XCTAssertTrue(r.passed, "\(c.name): \(r)")
        }
    }

    func testChannelMismatchNamesBothShapes() throws {
        XCTAssertThrowsError(try conv2dTranspose(Tensor.zeros([1, 4, 4, 3]), Tensor.zeros([3, 3, 8, 5]))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("(1, 4, 4, 3)") && text.contains("(3, 3, 8, 5)"), text)
        }
    }
}
