import XCTest
@testable import PlexusLang

/// predict, evaluate and grads refuse a batch that is not positive, as fit and step do.
final class BatchArgumentTests: XCTestCase {
    func session() -> Transcript {
        let t = Transcript()
        t.run("""
            :seed 1
            data = split(digits(), 0.05)[0]
            x = input(8, 8, 1)
            m = model(x, x |> flatten() |> dense(10, activation: softmax))
            compile(m, loss: "sparse_categorical_crossentropy", optimizer: sgd(0.1))
            """)
        return t
    }

    func testZeroAndNegativeBatchesAreRefused() {
        let t = session()
        for call in ["predict(m, data, batch: 0)", "evaluate(m, data, batch: -1)", "grads(m, data, batch: 0)",
                     "fit(m, data, batch: 0)", "step(m, data, batch: -1)"] {
            let out = t.run(call)
            XCTAssertTrue(out.contains("error:"), "\(call) printed \(out)")
            XCTAssertTrue(out.contains("positive"), "\(call) printed \(out)")
        }
        XCTAssertTrue(t.run("predict(m, data, batch: 0)").contains("error: predict: batch must be a positive integer, got 0"))
    }

    func testAPositiveBatchStillWorks() {
        let t = session()
        XCTAssertEqual(t.run("predict(m, data, batch: 7).shape"), "(89, 10)\n")
        XCTAssertTrue(t.run("evaluate(m, data, batch: 1000)").hasPrefix("functional on 89 samples: loss "))
    }
}
