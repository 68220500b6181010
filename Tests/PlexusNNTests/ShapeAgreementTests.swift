import XCTest
import PlexusTensor
@testable import PlexusNN

/// The symbolic and the concrete path of each op give the same shape, or refuse with the same
/// `ShapeRefusal`: a layer's `outputShape(for:)` against its `forward` on values of those shapes,
/// and against the tensor library's op that the language calls on tensors of values.
final class ShapeAgreementTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private let context = ForwardContext(seed: 1)

    /// What one path made of a case: a shape, or the text of its error.
    private enum Outcome: Equatable {
        case shape([Int?])
        case refused(String)
    }

    private func outcome(_ body: () throws -> [Int?]) -> Outcome {
        do { return .shape(try body()) } catch { return .refused("\(error)") }
    }

    private func values(_ shape: [Int]) throws -> Variable {
        var generator = RandomGenerator(seed: 3)
        return Variable(try Tensor.normal(shape, using: &generator))
    }

    /// Checks one case on every path: equal shapes, or every path refused and each error says
    /// what the rule said (`refusal`).
    private func assertAgree(_ paths: [(String, Outcome)], rule: Result<[Int?], ShapeRefusal>, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        for (path, got) in paths {
            switch (rule, got) {
            case let (.success(expected), .shape(shape)):
                XCTAssertEqual(shape, expected, "\(label): \(path)", file: file, line: line)
            case let (.failure(refusal), .refused(message)):
                XCTAssertTrue(message.contains("\(refusal)"), "\(label): \(path) refused with \"\(message)\", not \"\(refusal)\"", file: file, line: line)
            default:
                XCTFail("\(label): the rule gives \(rule), \(path) gives \(got)", file: file, line: line)
            }
        }
    }

    func testBroadcastAgreesOnATableOfCases() throws {
        let cases: [([Int], [Int])] = [
            ([2, 3], [3]), ([2, 1, 4], [3, 1]), ([4], [2, 4]), ([1], [5]), ([0, 3], [1, 3]), ([2, 3], [2, 3]),
            ([2, 3], [4, 3]), ([2, 3, 4], [4, 5]), ([3], [4]),
        ]
        for (a, b) in cases {
            let rule = Result { () throws(ShapeRefusal) in try ShapeRule.broadcast(a.map { $0 }, b.map { $0 }) }
            let op = try ElementwiseOp(.add)
            assertAgree([
                ("symbolic add", outcome { try op.outputShape(for: [a.map { $0 }, b.map { $0 }]) }),
                ("add on values", outcome { try op.forward([values(a), values(b)], context: context).shape.map { $0 } }),
                ("Tensor arithmetic", outcome { try Tensor.zeros(a).arithmetic(.multiply, Tensor.zeros(b), op: "multiply").shape.map { $0 } }),
            ], rule: rule, "\(a) + \(b)")
        }
    }

    func testMatmulAgreesOnATableOfCases() throws {
        let cases: [([Int], [Int])] = [
            ([2, 3], [3, 4]), ([3], [3, 4]), ([2, 3], [3]), ([3], [3]), ([2, 1, 3, 4], [5, 4, 2]), ([1, 3, 4], [6, 4, 2]),
            ([4], [2, 4, 3]), ([2, 3, 4], [4, 5]), ([2, 3, 2, 4], [3, 4, 1]),
            ([], [3]), ([2, 3], [4, 5]), ([5], [4, 2]), ([2, 3, 4], [3, 4, 5]), ([2, 2, 3], [3, 3, 4]),
        ]
        for (a, b) in cases {
            let rule = Result { () throws(ShapeRefusal) in try ShapeRule.matmul(a.map { $0 }, b.map { $0 }) }
            let op = try MatMul()
            assertAgree([
                ("symbolic matmul", outcome { try op.outputShape(for: [a.map { $0 }, b.map { $0 }]) }),
                ("matmul on values", outcome { try op.forward([values(a), values(b)], context: context).shape.map { $0 } }),
                ("Tensor matmul", outcome { try matmul(Tensor.zeros(a), Tensor.zeros(b)).shape.map { $0 } }),
            ], rule: rule, "matmul(\(a), \(b))")
        }
    }

    func testReshapeAgreesOnATableOfCases() throws {
        let cases: [([Int], [Int])] = [
            ([2, 3, 4], [4, -1]), ([6], [2, 3]), ([2, 3], [-1]), ([1, 6], [3, 1, -1]), ([0, 3], [3, 0]),
            ([2, 3], [4, -1]), ([2, 3], [4, 2]), ([7], [2, -1]),
        ]
        for (shape, target) in cases {
            let rule = Result { () throws(ShapeRefusal) in try ShapeRule.reshape(shape.map { $0 }, to: target) }
            let op = try ReshapeOp(target.map { $0 == 0 ? 1 : $0 })  // a graph reshape takes positive sizes only
            let graphRule = Result { () throws(ShapeRefusal) in try ShapeRule.reshape(shape.map { $0 }, to: op.newShape) }
            assertAgree([
                ("symbolic reshape", outcome { try op.outputShape(for: [shape.map { $0 }]) }),
                ("reshape on values", outcome { try op.forward([values(shape)], context: context).shape.map { $0 } }),
            ], rule: graphRule, "reshape(\(shape), \(op.newShape))")
            assertAgree([("Tensor reshaped", outcome { try Tensor.zeros(shape).reshaped(to: target).shape.map { $0 } })],
                        rule: rule, "reshape(\(shape), \(target))")
        }
    }

    func testAxesAgreeOnATableOfCases() throws {
        let shape = [2, 3, 4]
        for axes in [[-1], [0], [-3, 1], [2], [3], [-4]] {
            let resolved = axes.map { ShapeRule.normalizedAxis($0, rank: shape.count) }
            let op = try Reduction(.sum, axes: axes)
            let symbolic = outcome { try op.outputShape(for: [shape.map { $0 }]) }
            let onValues = outcome { try op.forward([values(shape)], context: context).shape.map { $0 } }
            let tensor = outcome { try Tensor.zeros(shape).sum(axes: axes).shape.map { $0 } }
            if resolved.contains(nil) {
                for (path, got) in [("symbolic sum", symbolic), ("sum on values", onValues), ("Tensor sum", tensor)] {
                    guard case .refused = got else { XCTFail("sum over \(axes): \(path) gives \(got)"); continue }
                }
            } else {
                let expected: [Int?] = shape.indices.filter { !resolved.contains($0) }.map { shape[$0] }
                XCTAssertEqual([symbolic, onValues, tensor], [.shape(expected), .shape(expected), .shape(expected)], "sum over \(axes)")
            }
        }
    }

    func testMergeLayersAgreeWithTheirValues() throws {
        let cases: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 3, 4], [2, 4]), ([2, 1, 4], [2, 3, 1]), ([2, 3], [2, 4])]
        for (a, b) in cases {
            let rule = Result { () throws(ShapeRefusal) in
                [a[0]] + (try ShapeRule.broadcast(a.dropFirst().map { $0 }, b.dropFirst().map { $0 }))
            }
            let layer = try Add()
            let symbolic = outcome { try layer.outputShape(for: [a.map { $0 }, b.map { $0 }]) }
            let onValues = outcome { try layer.forward([values(a), values(b)], context: context).shape.map { $0 } }
            switch rule {
            case .success(let expected):
                XCTAssertEqual([symbolic, onValues], [.shape(expected), .shape(expected)], "Add \(a), \(b)")
            case .failure:
                // Keras's merge words its own refusal; both paths refuse.
                XCTAssertEqual(symbolic, .refused("\(layer.name) expects inputs of one shape (or broadcastable: each dimension equal or 1), got \(formatSymbolicShapes([a.map { $0 }, b.map { $0 }]))"))
                guard case .refused = onValues else { return XCTFail("Add \(a), \(b) on values gives \(onValues)") }
            }
        }
    }

    /// A merge reports a size unknown in any input as unknown (as Keras does), yet refuses known
    /// sizes that no value of the unknown one reconciles.
    func testMergeKeepsKerasUnknownSizesAndRefusesKnownConflicts() throws {
        XCTAssertEqual(try Add().outputShape(for: [[nil, nil], [nil, 3]]), [nil, nil])
        XCTAssertEqual(try Add().outputShape(for: [[nil, 1, 4], [nil, 3, 4]]), [nil, 3, 4])
        XCTAssertThrowsError(try Add().outputShape(for: [[nil, nil], [nil, 3], [nil, 5]]))
    }

    /// With an unknown batch the symbolic shape is what every batch size gives, where it is known.
    func testUnknownBatchSizesAgreeWithEveryBatch() throws {
        let cases: [(Layer, [[Int?]])] = [
            (try MatMul(), [[nil, 8], [8, 3]]), (try MatMul(), [[nil, 2, 8], [8]]), (try MatMul(), [[nil, 1, 4], [3, 4, 2]]),
            (try ElementwiseOp(.multiply), [[nil, 2, 4], [4]]), (try ElementwiseOp(.add), [[nil, 1], [nil, 5]]),
            (try ReshapeOp([-1, 2, 4]), [[nil, 8]]), (try Reshape(targetShape: [2, -1]), [[nil, 3, 4]]),
            (try Add(), [[nil, 4], [nil, 3, 4]]), (try Reduction(.mean, axes: [-1], keepdims: true), [[nil, 5]]),
        ]
        for (layer, shapes) in cases {
            let symbolic = try layer.outputShape(for: shapes)
            for batch in [1, 3] {
                let inputs = try shapes.map { try values($0.map { $0 ?? batch }) }
                let concrete = try layer.forward(inputs, context: context).shape
                XCTAssertEqual(symbolic.count, concrete.count, "\(layer.typeName) on \(shapes), batch \(batch)")
                for (s, c) in zip(symbolic, concrete) where s != nil {
                    XCTAssertEqual(s, c, "\(layer.typeName) on \(shapes), batch \(batch): \(symbolic) vs \(concrete)")
                }
            }
        }
    }
}
