import PlexusTensor
import PlexusNN
import XCTest

// A training loop in its steady state takes no tensor buffer from the system: the execution plan's
// BufferPool gives every step the buffers the previous step freed (docs/execution.md).

final class SteadyStateAllocationTests: XCTestCase {
    private func mlp() throws -> Model {
        let x = try Input(shape: [64])
        var h = try Dense(units: 32, activation: .relu)(x)
        h = try Dense(units: 32, activation: .relu)(h)
        return try Model(inputs: x, outputs: Dense(units: 10)(h), name: "mlp")
    }

    private func cnn() throws -> Model {
        let x = try Input(shape: [12, 12, 2])
        var h = try Conv2D(filters: 8, kernelSize: 3, padding: .same, activation: .relu)(x)
        h = try MaxPooling2D(poolSize: 2)(h)
        h = try BatchNormalization()(h)
        h = try Conv2D(filters: 8, kernelSize: 3)(h)
        h = try Flatten()(h)
        return try Model(inputs: x, outputs: Dense(units: 3)(h), name: "cnn")
    }

    /// System allocations of tensor buffers during `steps` calls of `body`, after one untimed call.
    private func allocations(afterFirstOf steps: Int, _ body: () throws -> Void) rethrows -> [Int] {
        try body()
        var counts: [Int] = []
        for _ in 0..<steps {
            let before = AllocationStatistics.allocationCount
            try body()
            counts.append(AllocationStatistics.allocationCount - before)
        }
        return counts
    }

    private func assertStepsTwoToTenAllocateNothing(_ m: Model, input: Tensor, labels: Tensor, optimizer: Optimizer,
                                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let context = ForwardContext(seed: 3)
        let counts = try allocations(afterFirstOf: 9) {
            try m.trainStep(inputs: [input], context: context, optimizer: optimizer) {
                try sparseCategoricalCrossentropy($0[0], labels: labels, fromLogits: true)
            }
        }
        XCTAssertEqual(counts, Array(repeating: 0, count: 9), "buffers taken from the system in steps 2...10", file: file, line: line)
    }

    func testMLPTrainingStepsTwoToTenAllocateNoBuffer() throws {
        try assertStepsTwoToTenAllocateNothing(mlp(), input: seededTensor([16, 64], seed: 1),
                                               labels: Tensor(shape: [16], values: (0..<16).map { Float($0 % 10) }),
                                               optimizer: SGD(learningRate: 0.01))
    }

    func testConvolutionalTrainingStepsWithAdamAllocateNoBuffer() throws {
        try assertStepsTwoToTenAllocateNothing(cnn(), input: seededTensor([4, 12, 12, 2], seed: 2),
                                               labels: Tensor(shape: [4], values: [0, 1, 2, 1]),
                                               optimizer: Adam(learningRate: 1e-3))
    }

    func testPredictionBatchesAfterTheFirstAllocateOnlyTheirOutputs() throws {
        let m = try cnn()
        let context = ForwardContext(seed: 4)
        let input = try seededTensor([4, 12, 12, 2], seed: 5)
        var kept: [Tensor] = []
        let counts = try allocations(afterFirstOf: 5) {
            // Outputs the caller keeps cannot be reused; everything else comes back to the pool.
            kept.append(try withoutGradients { try m.plan().run(inputs: [input], context: context)[0].value })
        }
        XCTAssertEqual(counts, Array(repeating: 1, count: 5))
        XCTAssertEqual(kept.count, 6)
    }

    func testWithoutThePoolEveryStepAllocates() throws {
        // The counter is not blind: the same step outside any plan's pool takes buffers each time.
        let a = try seededTensor([16, 64], seed: 6), b = try seededTensor([64, 32], seed: 7)
        let counts = allocations(afterFirstOf: 3) { _ = try? matmul(a, b) }
        XCTAssertTrue(counts.allSatisfy { $0 >= 1 }, "\(counts)")
    }

    func testAPoolKeepsNoMoreThanItsCapacityAndDrainsToNothing() throws {
        let pool = BufferPool(capacityBytes: 4000)
        BufferPool.withActive(pool) {
            _ = try? Tensor(shape: [600], repeating: 0)   // 2400 bytes: kept
            _ = try? Tensor(shape: [500], repeating: 0)   // 2000 more would exceed 4000: freed
        }
        XCTAssertEqual(pool.keptBytes, 2400)
        let before = AllocationStatistics.allocationCount
        BufferPool.withActive(pool) { _ = try? Tensor(shape: [600], repeating: 1) }
        XCTAssertEqual(AllocationStatistics.allocationCount, before, "the kept buffer is reused")
        pool.drain()
        XCTAssertEqual(pool.keptBytes, 0)
    }

    func testTrimmingBetweenInputsKeepsTheMostRecentlyRunPoolWithinTheBudget() throws {
        let older = BufferPool(capacityBytes: 4000), newer = BufferPool(capacityBytes: 4000)
        BufferPool.withActive(older) { _ = try? Tensor(shape: [600], repeating: 0) }
        BufferPool.withActive(newer) { _ = try? Tensor(shape: [600], repeating: 0) }
        XCTAssertEqual(older.keptBytes, 2400)
        XCTAssertEqual(newer.keptBytes, 2400)
        BufferPool.trimAll(keepingAtMost: 3000)   // room for one of the two
        XCTAssertEqual(newer.keptBytes, 2400, "the pool run last keeps its buffers for the next input")
        XCTAssertEqual(older.keptBytes, 0, "an older pool past the budget is drained")
        BufferPool.trimAll(keepingAtMost: 1000)   // a pool alone above the budget goes too
        XCTAssertEqual(newer.keptBytes, 0)
    }
}
