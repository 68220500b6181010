import PlexusTensor
import PlexusNN
import Foundation
import XCTest
@testable import PlexusNN

/// Training through the public API: the figures issue 5 promises, on the bundled digits.
final class TrainingTests: XCTestCase {
    func digitsSplit(seed: UInt64) throws -> (train: Dataset, test: Dataset, context: ForwardContext) {
        let context = ForwardContext(seed: seed)
        let parts = try digits().split(0.8, using: &context.generator)
        return (parts.train, parts.test, context)
    }

    func mlp() throws -> Model {
        let x = try Input(shape: [8, 8, 1])
        var h = try Flatten()(x)
        h = try Dense(units: 128, activation: .relu)(h)
        h = try Dense(units: 10, activation: .softmax)(h)
        return try Model(inputs: x, outputs: h, name: "mlp")
    }

    func testDigitsMLPReaches95PercentOnHeldOutDataWithin30Epochs() throws {
        let (train, test, context) = try digitsSplit(seed: 1)
        let m = try mlp()
        m.compile(loss: .sparseCategoricalCrossentropy(fromLogits: false), optimizer: try Adam(learningRate: 0.001),
                  metrics: [.sparseCategoricalAccuracy])
        let outcome = try m.fit(train, epochs: 30, batchSize: 32, context: context)
        XCTAssertEqual(outcome.records.count, 30)
        let result = try m.evaluate(test, context: context)
        XCTAssertGreaterThanOrEqual(result.metrics[0].value, 0.95, result.summary)
    }

    func testSmallCNNOnDigitsReaches95Percent() throws {
        let (train, test, context) = try digitsSplit(seed: 3)
        let x = try Input(shape: [8, 8, 1])
        var h = try Conv2D(filters: 16, kernelSize: 3, padding: .same, activation: .relu)(x)
        h = try MaxPooling2D(poolSize: 2)(h)
        h = try Flatten()(h)
        h = try Dense(units: 10, activation: .softmax)(h)
        let m = try Model(inputs: x, outputs: h, name: "cnn")
        m.compile(loss: .sparseCategoricalCrossentropy(fromLogits: false), optimizer: try Adam(learningRate: 0.003),
                  metrics: [.sparseCategoricalAccuracy])
        _ = try m.fit(train, epochs: 15, batchSize: 32, context: context)
        let result = try m.evaluate(test, context: context)
        XCTAssertGreaterThanOrEqual(result.metrics[0].value, 0.95, result.summary)
    }

    /// The MatchNet shape (shared conv feature net, concat, dense head, 2-way softmax) scaled to
    /// the 8x8 digits.
    func testSiameseOnDigitPairsReaches85PercentPairAccuracy() throws {
        let (train, test, context) = try digitsSplit(seed: 4)
        let trainPairs = try pairs(train, n: 3000, using: &context.generator)
        let testPairs = try pairs(test, n: 600, using: &context.generator)
        let x = try Input(shape: [8, 8, 1])
        var h = try Conv2D(filters: 16, kernelSize: 3, padding: .same, activation: .relu)(x)
        h = try Conv2D(filters: 16, kernelSize: 3, activation: .relu)(h)
        h = try Flatten()(h)
        h = try Dense(units: 64, activation: .relu)(h)
        let feature = try Model(inputs: x, outputs: h, name: "feature")
        let a = try Input(shape: [8, 8, 1]), b = try Input(shape: [8, 8, 1])
        var y = try Concatenate()([feature(a), feature(b)])
        y = try Dense(units: 64, activation: .relu)(y)
        y = try Dense(units: 2, activation: .softmax)(y)
        let siamese = try Model(inputs: [a, b], outputs: [y], name: "siamese")
        siamese.compile(loss: .sparseCategoricalCrossentropy(fromLogits: false), optimizer: try Adam(learningRate: 0.001),
                        metrics: [.sparseCategoricalAccuracy])
        _ = try siamese.fit(trainPairs, epochs: 8, batchSize: 32, context: context)
        let result = try siamese.evaluate(testPairs, context: context)
        XCTAssertGreaterThanOrEqual(result.metrics[0].value, 0.85, result.summary)
    }

    func hypernetwork() throws -> Model {
        let image = try Input(shape: [16, 16, 1]), template = try Input(shape: [3, 3, 1])
        var k = try Conv2D(filters: 8, kernelSize: 3, padding: .same, activation: .relu)(template)
        k = try GlobalAveragePooling2D()(k)
        k = try Dense(units: 72)(k)
        k = try Reshape(targetShape: [3, 3, 1, 8])(k)
        var y = try Conv(padding: .same)([image, k])
        y = try Activation(.relu)(y)
        y = try Conv2D(filters: 1, kernelSize: 3, padding: .same, activation: .sigmoid)(y)
        return try Model(inputs: [image, template], outputs: [y], name: "hyper")
    }

    func hypernetworkLosses(seed: UInt64) throws -> [Float] {
        let context = ForwardContext(seed: seed)
        let data = try templateMatching(n: 64, size: 16, templateSize: 3, using: &context.generator)
        let m = try hypernetwork()
        m.compile(loss: .binaryCrossentropy(fromLogits: false), optimizer: try Adam(learningRate: 0.01))
        return try m.step(data, batchSize: 16, steps: 200, context: context).stepLosses
    }

    func testHypernetworkTemplateMatchingLossFallsByMoreThanHalfIn200StepsReproducibly() throws {
        let losses = try hypernetworkLosses(seed: 5)
        XCTAssertEqual(losses.count, 200)
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(last, first / 2, "first \(first), last \(last)")
        XCTAssertEqual(try hypernetworkLosses(seed: 5), losses, "the same seed gives the same losses")
    }

    func testGradsReachTheTemplateBranchAndNotFrozenWeights() throws {
        let context = ForwardContext(seed: 6)
        let data = try templateMatching(n: 8, size: 16, templateSize: 3, using: &context.generator)
        let m = try hypernetwork()
        let last = try m.layer(named: m.layers[m.layers.count - 1].name)
        last.freeze()
        m.compile(loss: .binaryCrossentropy(fromLogits: false), optimizer: try Adam())
        let (_, norms) = try m.gradientNorms(data, batchSize: 8, context: context)
        for (w, norm) in norms {
            if w.trainable { XCTAssertGreaterThan(norm ?? 0, 0, "\(w.path) gets gradient") } else { XCTAssertNil(norm, "\(w.path) is frozen") }
        }
        let template = norms.filter { $0.weight.path.hasPrefix("dense") || $0.weight.path.hasPrefix("conv2d/") }
        XCTAssertFalse(template.isEmpty)
    }

    func testChangedShowsTheCoefficientsMovedAndTheFrozenBasisNot() throws {
        let a = try Weight(name: "coeffs", shape: [4, 1, 3])
        let b = try Weight(name: "basis", shape: [3, 5, 5], initializer: .randomNormal(), trainable: false)
        let w = try transpose(sum(multiply(reshape(a, [4, 1, 3, 1, 1]), b), axes: [2]), [2, 3, 1, 0])
        let x = try Input(shape: [8, 8, 1])
        var y = try Conv(padding: .same)([x, w])
        y = try GlobalAveragePooling2D()(y)
        let m = try Model(inputs: x, outputs: y, name: "basis_conv")
        let context = ForwardContext(seed: 7)
        let data = try Dataset(try Tensor.normal([16, 8, 8, 1], using: &context.generator), target: try Tensor.normal([16, 4], using: &context.generator))
        m.compile(loss: .meanSquaredError, optimizer: try SGD(learningRate: 0.1))
        let snap = try WeightSnapshot(m, using: &context.generator)
        _ = try m.step(data, batchSize: 8, steps: 3, context: context)
        let changes = Dictionary(uniqueKeysWithValues: try snap.changes(in: m).map { ($0.weight.path, $0) })
        XCTAssertEqual(changes["coeffs"]?.moved, true)
        XCTAssertEqual(changes["basis"]?.moved, false)
        XCTAssertTrue(changeTable(try snap.changes(in: m), modelName: m.name).contains("basis"))
    }

    func testAnInterruptStopsFitAfterAWholeStepAndTheModelStillPredicts() throws {
        let (train, test, context) = try digitsSplit(seed: 8)
        let m = try mlp()
        m.compile(loss: .sparseCategoricalCrossentropy(fromLogits: false), optimizer: try Adam(), metrics: [.sparseCategoricalAccuracy])
        Interrupt.clear()
        defer { Interrupt.clear() }
        let outcome = try m.fit(train, epochs: 5, batchSize: 32, context: context, onBatch: { p in
            if p.epoch == 2, p.batch == 3 { Interrupt.request() }
        })
        XCTAssertTrue(outcome.interrupted)
        XCTAssertEqual(outcome.stepLosses.count, 45 + 3, "one full epoch of 45 batches, then 3 steps")
        Interrupt.clear()
        let p = try predict(m, inputs: [test.inputs[0]], context: context)[0]
        XCTAssertEqual(p.shape, [test.count, 10])
        XCTAssertTrue(p.scalars.allSatisfy(\.isFinite))
    }

    func testSaveAndLoadRoundTripExactly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-save-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("mlp.safetensors").path
        var gen = RandomGenerator(seed: 9)
        let m = try mlp()
        XCTAssertEqual(try m.saveWeights(to: path, using: &gen), 4)
        let saved = m.weights.map { $0.variable?.value.scalars ?? [] }
        let other = try clone(m)
        // Give the clone the same weight paths so the file fits it: load into the original instead
        // after scrambling its values.
        for w in m.weights { try w.assign(try Tensor.normal(w.shape, using: &gen)) }
        XCTAssertEqual(try m.loadWeights(from: path), 4)
        XCTAssertEqual(m.weights.map { $0.variable?.value.scalars ?? [] }, saved)
        XCTAssertThrowsError(try other.loadWeights(from: path)) { error in
            XCTAssertTrue("\(error)".contains("has no tensor for weight"), "\(error)")
        }
    }

    func testABadFileLeavesTheModelUnchanged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-bad-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var gen = RandomGenerator(seed: 10)
        let m = try mlp()
        let good = folder.appendingPathComponent("good.safetensors").path
        _ = try m.saveWeights(to: good, using: &gen)
        let before = m.weights.map { $0.variable?.value.scalars ?? [] }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))

        // Truncated: the data stops short of what the header promises.
        let truncated = folder.appendingPathComponent("truncated.safetensors").path
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: truncated))
        XCTAssertThrowsError(try m.loadWeights(from: truncated))

        // A header that lies about offsets: shift the first data_offsets end by one.
        let lying = folder.appendingPathComponent("lying.safetensors").path
        var text = String(decoding: bytes, as: UTF8.self)
        if let r = text.range(of: "\"data_offsets\":[0,") { text.replaceSubrange(r, with: "\"data_offsets\":[4,") }
        try Data(text.utf8).write(to: URL(fileURLWithPath: lying))
        XCTAssertThrowsError(try m.loadWeights(from: lying))

        // A file of another model's shapes: a wider hidden layer, under the same layer names (which
        // depend on how many layers earlier tests made).
        let names = m.layers.filter { $0 is Dense }.map(\.name)
        let x = try Input(shape: [8, 8, 1])
        var h = try Flatten()(x)
        h = try Dense(units: 64, activation: .relu, name: names[0])(h)
        h = try Dense(units: 10, name: names[1])(h)
        let wide = try Model(inputs: x, outputs: h, name: "other")
        let wrong = folder.appendingPathComponent("wrong.safetensors").path
        _ = try wide.saveWeights(to: wrong, using: &gen)
        let renamed = try Model(inputs: m.inputs, outputs: m.outputs, name: "mlp")
        XCTAssertThrowsError(try renamed.loadWeights(from: wrong)) { error in
            XCTAssertTrue("\(error)".contains("(64, 128)") && "\(error)".contains("(64, 64)"), "\(error)")
        }
        XCTAssertEqual(m.weights.map { $0.variable?.value.scalars ?? [] }, before, "nothing changed")
    }
}
