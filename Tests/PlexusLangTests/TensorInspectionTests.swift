import XCTest
@testable import PlexusLang

/// Reading a tensor of values: argmax, top_k, max/min, and reductions over all axes giving a number.
final class TensorInspectionTests: XCTestCase {
    let t = "t = tensor([[1, 9, 3], [7, 2, 9]])\n"

    func testReductionsOverEveryAxisAreNumbers() {
        XCTAssertEqual(Transcript().run(t + "sum(t); mean(t); max(t); min(t)"), "31\n5.166666507720947\n9\n1\n")
    }

    func testReductionsAlongAnAxisOrWithKeepdimsAreTensors() {
        XCTAssertEqual(Transcript().run(t + "sum(t, axis: 0); sum(t, keepdims: true); max(t, axis: 1); min(t, axis: 0)"),
                       "Tensor(3,) [8, 11, 12]\nTensor(1, 1) [31]\nTensor(2,) [9, 9]\nTensor(3,) [1, 2, 3]\n")
    }

    func testArgmaxWithoutAnAxisIndexesTheFlattenedTensor() {
        XCTAssertEqual(Transcript().run(t + "argmax(t); argmax([0.1, 0.7, 0.2])"), "1\n1\n")
    }

    func testArgmaxAlongAnAxisGivesATensorOfIndices() {
        XCTAssertEqual(Transcript().run(t + "argmax(t, axis: -1); argmax(t, axis: 0)"), "Tensor(2,) [1, 2]\nTensor(3,) [1, 0, 1]\n")
    }

    func testArgmaxTakesTheFirstOfATie() {
        XCTAssertEqual(Transcript().run("argmax(tensor([[5, 5, 1], [0, 2, 2]]), axis: 1); argmax([3, 3])"), "Tensor(2,) [0, 1]\n0\n")
    }

    func testArgmaxOfAnAxisOutOfRangeIsAnError() {
        XCTAssertTrue(Transcript().run(t + "argmax(t, axis: 2)").contains("error: argmax: axis 2 is out of range for a tensor of shape (2, 3)"))
    }

    func testTopKGivesValuesAndIndicesLargestFirst() {
        let s = Transcript()
        s.run(t + "values, indices = top_k(t, 2)")
        XCTAssertEqual(s.run("values; indices"), "Tensor(2, 2) [9, 3, 9, 7]\nTensor(2, 2) [1, 2, 2, 0]\n")
        XCTAssertEqual(s.run("top_k([0.2, 0.5, 0.3])"), "([0.5], [1])\n")
    }

    func testTopKRefusesAKBeyondTheLastAxis() {
        XCTAssertTrue(Transcript().run(t + "top_k(t, 4)").contains("error: top_k: k must be from 1 to 3 (the last axis of (2, 3)), got 4"))
        XCTAssertTrue(Transcript().run(t + "top_k(t, 0)").contains("error: top_k: k must be from 1 to 3"))
    }

    func testMaxOfATensorWithOtherValuesSaysHowToAsk() {
        let out = Transcript().run(t + "max(t, 2)")
        XCTAssertTrue(out.contains("error: max: cannot compare a tensor with other values"), out)
        XCTAssertTrue(out.contains("help: the max of a tensor takes the tensor alone: max(t), or max(t, axis: 0)"), out)
    }

    func testMaxOfNumbersIsUnchanged() {
        XCTAssertEqual(Transcript().run("max(3, 1, 2); min([4, 5]); max(1..10)"), "3\n4\n10\n")
        XCTAssertTrue(Transcript().run("max(3, 1, axis: 0)").contains("error: max: axis applies to one tensor of values"))
    }

    func testReadingAPrediction() {
        let s = Transcript()
        s.run("""
            :seed 3
            x = input(4)
            m = model(x, x |> dense(5, activation: softmax))
            p = predict(m, tensor([[1, 2, 3, 4], [0, 1, 0, 1]]))
            """)
        XCTAssertEqual(s.run("argmax(p, axis: -1).shape; top_k(p[0], 5)[1].shape; round(sum(p[0]), 4)"), "(2,)\n(5,)\n1\n")
    }
}
