import XCTest
@testable import PlexusLang
import PlexusTensor

/// `dataset(x, target)`: tensors of values become a dataset a model trains on, as Keras's
/// `fit(x, y)` takes them.
final class DatasetBuiltinTests: XCTestCase {
    func testOneTensorBecomesTheInputXAndTheTargetFollowsItsSamples() {
        let t = Transcript()
        XCTAssertEqual(t.status("d = dataset(zeros(6, 4), ones(6))"), .ok)
        XCTAssertEqual(t.run("d.count"), "6\n")
        XCTAssertEqual(t.run("d.input_names"), "[\"x\"]\n")
    }

    func testAListOfTensorsFeedsTheModelsInputsInOrder() {
        let t = Transcript()
        XCTAssertEqual(t.status("d = dataset([zeros(3, 2), ones(3, 5)], zeros(3))"), .ok)
        XCTAssertEqual(t.run("d.input_names"), "[\"x1\", \"x2\"]\n")
        XCTAssertEqual(t.run("d.inputs[1].shape"), "(3, 5)\n")
    }

    func testAModelTrainsOnADatasetMadeFromTensors() {
        let t = Transcript()
        let out = t.run("""
            :seed 3
            x = input(4)
            m = model(x, x |> dense(2), name: "m")
            compile(m, loss: "sparse_categorical_crossentropy", optimizer: sgd(0.1), from_logits: true)
            step(m, dataset(randn(8, 4), zeros(8)), batch: 8, steps: 2)
            """)
        XCTAssertTrue(out.contains("step 2: loss"), out)
    }

    func testSampleCountsThatDifferAreRefusedNamingBothShapes() {
        let t = Transcript()
        let out = t.run("dataset(zeros(5, 2), zeros(4))")
        XCTAssertTrue(out.contains("holds 4 samples but 'x' holds 5"), out)
        XCTAssertTrue(out.contains("x (5, 2)"), out)
    }

    func testAListHoldingSomethingOtherThanTensorsIsAKindError() {
        let t = Transcript()
        let out = t.run("dataset([zeros(2, 2), 3], zeros(2))")
        XCTAssertTrue(out.contains("error"), out)
        XCTAssertTrue(out.contains("a tensor or a list of tensors"), out)
    }
}

/// Between inputs the session keeps the buffers of the plan run last (`BufferPool.trimBetweenInputs`).
final class SessionBufferReuseTests: XCTestCase {
    func testAStepTypedAgainReusesTheBuffersOfTheLastStep() {
        let t = Transcript()
        XCTAssertEqual(t.status("""
            :seed 2
            x = input(32)
            m = model(x, x |> dense(64, activation: relu) |> dense(64, activation: relu) |> dense(64, activation: relu) |> dense(64, activation: relu) |> dense(4), name: "m")
            compile(m, loss: "sparse_categorical_crossentropy", optimizer: adam(0.01), from_logits: true)
            data = dataset(randn(16, 32), zeros(16))
            """), .ok)
        func allocations(_ source: String) -> Int {
            let before = AllocationStatistics.allocationCount
            XCTAssertEqual(t.status(source), .ok)
            return AllocationStatistics.allocationCount - before
        }
        _ = allocations("step(m, data, batch: 16)")   // builds the plan and the optimizer's state
        let again = allocations("step(m, data, batch: 16)")
        BufferPool.drainAll()
        let drained = allocations("step(m, data, batch: 16)")
        XCTAssertLessThan(again * 2, drained, "a step after the pools were drained takes every buffer anew (\(drained)); typed again it takes few (\(again))")
    }
}
