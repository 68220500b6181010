import PlexusTensor
import PlexusNN
import XCTest

// The memory estimates of `costs` against what tensor storage really holds while the model runs
// (AllocationStatistics): inference and a training step, within 10%.

final class MemoryEstimateTests: XCTestCase {
    private func smallCNN() throws -> Model {
        let x = try Input(shape: [32, 32, 3])
        var h = try Conv2D(filters: 16, kernelSize: 3, padding: .same, activation: .relu)(x)
        h = try MaxPooling2D(poolSize: 2)(h)
        h = try Conv2D(filters: 32, kernelSize: 3, padding: .same, activation: .relu)(h)
        h = try Flatten()(h)
        h = try Dense(units: 64, activation: .relu)(h)
        h = try Dense(units: 10)(h)
        return try Model(inputs: x, outputs: h, name: "cnn")
    }

    /// A residual block with BatchNormalization, a standalone activation and a merge.
    private func residualCNN() throws -> Model {
        let x = try Input(shape: [16, 16, 8])
        var h = try Conv2D(filters: 8, kernelSize: 3, padding: .same)(x)
        h = try BatchNormalization()(h)
        h = try Activation(.relu)(h)
        h = try Conv2D(filters: 8, kernelSize: 3, padding: .same)(h)
        h = try Add()([x, h])
        h = try GlobalAveragePooling2D()(h)
        h = try Dense(units: 10, activation: .softmax)(h)
        return try Model(inputs: x, outputs: h, name: "residual")
    }

    private func assertWithinTenPercent(_ estimate: Int, _ measured: Int, _ what: String,
                                        file: StaticString = #filePath, line: UInt = #line) {
        let ratio = Double(estimate) / Double(measured)
        XCTAssertEqual(ratio, 1, accuracy: 0.1, "\(what): estimated \(estimate) B, measured \(measured) B", file: file, line: line)
    }

    func testAllocationStatisticsCountLiveAndPeakBytes() throws {
        let live = AllocationStatistics.liveBytes, count = AllocationStatistics.allocationCount
        AllocationStatistics.resetPeak()
        do {
            let t = try Tensor(shape: [1000], repeating: 1)
            XCTAssertEqual(AllocationStatistics.liveBytes - live, 4000)
            XCTAssertEqual(t.count, 1000)
        }
        XCTAssertEqual(AllocationStatistics.liveBytes, live)
        XCTAssertEqual(AllocationStatistics.peakBytes - live, 4000)
        XCTAssertEqual(AllocationStatistics.allocationCount - count, 1)
        AllocationStatistics.resetPeak()
        XCTAssertEqual(AllocationStatistics.peakBytes, live)
    }

    func testInferencePeakIsWithinTenPercentOfTheEstimate() throws {
        let m = try smallCNN()
        let batch = 16
        let context = ForwardContext(seed: 1)
        _ = try withoutGradients { try m.plan().run(inputs: [seededTensor([1, 32, 32, 3], seed: 1)], context: context) }
        let baseline = AllocationStatistics.liveBytes          // weights materialised, nothing else
        AllocationStatistics.resetPeak()
        let input = try seededTensor([batch, 32, 32, 3], seed: 2)
        let out = try withoutGradients { try m.plan().run(inputs: [input], context: context) }
        let measured = AllocationStatistics.peakBytes - baseline
        XCTAssertEqual(out[0].shape, [batch, 10])
        let estimate = try costs(m, batch: batch).inferenceActivationBytes
        assertWithinTenPercent(estimate, measured, "inference")
        print("memory check: inference batch \(batch): estimated \(estimate) B, measured \(measured) B")
    }

    func testTrainingStepPeakIsWithinTenPercentOfTheEstimate() throws {
        try checkTrainingStep(smallCNN(), inputShape: [32, 32, 3])
    }

    func testTrainingStepPeakOfAResidualBlockIsWithinTenPercentOfTheEstimate() throws {
        try checkTrainingStep(residualCNN(), inputShape: [16, 16, 8])
    }

    func testInferencePeakOfAResidualBlockIsWithinTenPercentOfTheEstimate() throws {
        let m = try residualCNN()
        let context = ForwardContext(seed: 1)
        _ = try withoutGradients { try m.plan().run(inputs: [seededTensor([1, 16, 16, 8], seed: 1)], context: context) }
        let baseline = AllocationStatistics.liveBytes
        AllocationStatistics.resetPeak()
        let input = try seededTensor([16, 16, 16, 8], seed: 2)
        _ = try withoutGradients { try m.plan().run(inputs: [input], context: context) }
        let measured = AllocationStatistics.peakBytes - baseline
        let estimate = try costs(m, batch: 16).inferenceActivationBytes
        assertWithinTenPercent(estimate, measured, "inference")
        print("memory check: residual inference batch 16: estimated \(estimate) B, measured \(measured) B")
    }

    private func checkTrainingStep(_ make: @autoclosure () throws -> Model, inputShape: [Int],
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let before = AllocationStatistics.liveBytes            // nothing of the model exists yet
        let m = try make()
        let adam = try Adam()
        m.compile(loss: .meanSquaredError, optimizer: adam)
        let batch = 16
        let context = ForwardContext(seed: 1)
        let input = try seededTensor([batch] + inputShape, seed: 2)
        let target = try seededTensor([batch, 10], seed: 3)
        // The first step creates the optimiser's state; the second is the steady state measured.
        try m.trainStep(inputs: [input], context: context, optimizer: adam) { try mseLoss($0[0], target) }
        AllocationStatistics.resetPeak()
        try m.trainStep(inputs: [input], context: context, optimizer: adam) { try mseLoss($0[0], target) }
        let measured = AllocationStatistics.peakBytes - before - target.count * 4
        let c = try costs(m, batch: batch)
        assertWithinTenPercent(c.trainingBytes, measured, "training step", file: file, line: line)
        print("memory check: \(m.name) training step batch \(batch): estimated \(c.trainingBytes) B (parameters \(c.parameterBytes), kept \(c.trainingActivationBytes), gradients \(c.gradientBytes), adam \(c.optimizerStateBytes)), measured \(measured) B")
    }
}
