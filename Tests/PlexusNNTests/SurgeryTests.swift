import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

final class SurgeryTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    /// A stem convolution, then an Inception-ResNet-style block: two branches (b1a → b1b, b2)
    /// concatenated, a 1x1 convolution back to the stem's channels added to the stem, relu; then
    /// global pooling and a dense head. 205 parameters.
    private func blockModel() throws -> Model {
        let x = try Input(shape: [8, 8, 3], name: "image")
        let stem = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "stem")(x)            // 112
        let b1 = try Conv2D(filters: 2, kernelSize: 1, name: "b1a")(stem)                             // 10
        let b1b = try Conv2D(filters: 2, kernelSize: 3, padding: .same, name: "b1b")(b1)              // 38
        let b2 = try Conv2D(filters: 2, kernelSize: 1, name: "b2")(stem)                              // 10
        let mixed = try Concatenate(name: "mixed")([b1b, b2])
        let up = try Conv2D(filters: 4, kernelSize: 1, name: "up")(mixed)                             // 20
        let out = try Activation(.relu, name: "out")(try Add(name: "sum")([stem, up]))
        let head = try Dense(units: 3, name: "head")(try GlobalAveragePooling2D(name: "gap")(out))  // 15
        return try Model(inputs: x, outputs: head, name: "block")
    }

    private func chain() throws -> Model {
        let x = try Input(shape: [6], name: "x")
        let h = try Dense(units: 4, name: "d1")(x)
        let y = try Dense(units: 2, name: "d2")(try Activation(.tanh, name: "act")(h))
        return try Model(inputs: x, outputs: y, name: "chain")
    }

    // MARK: - cuts

    func testEveryTensorOfAChainIsACut() throws {
        let m = try chain()
        let c = cuts(m)
        XCTAssertEqual(c.map(\.name), ["x", "d1", "act", "d2"])
        XCTAssertEqual(c.map(\.position), [0, 1, 2, 3])
        XCTAssertEqual(c.map(\.shape), [[nil, 6], [nil, 4], [nil, 4], [nil, 2]])
    }

    func testCutsOfAResidualBlockAreOnlyOutsideTheBlock() throws {
        let m = try blockModel()
        XCTAssertEqual(cuts(m).map(\.name), ["image", "stem", "sum", "out", "gap", "head"])
        XCTAssertEqual(cuts(m)[2].description, "sum (Add) (None, 8, 8, 4) at layer 7")
    }

    func testNoInputOfASiameseNetworkIsACutButTheMergeIs() throws {
        let (shared, _, _) = try matchNets()
        XCTAssertEqual(cuts(shared).map(\.name), ["concatenate", "dense_1", "dense_2", "dense_3"])
    }

    func testWeightsUsedAsValuesDoNotPreventACut() throws {
        // The basis kernel is an expression of weights: a constant beside the image, not an input.
        let (m, _, _) = try basisConv()
        XCTAssertEqual(cuts(m).map(\.name), ["input_layer", "conv"])
    }

    func testCutTableListsLayerIndexTensorAndShape() throws {
        XCTAssertEqual(cutTable(try chain()), """
        Cuts of "chain": 4 tensors carry everything downstream
        ┏━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┓
        ┃   Layer ┃ Tensor (type)                       ┃ Shape                    ┃
        ┡━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━┩
        │       0 │ x (InputLayer)                      │ (None, 6)                │
        ├─────────┼─────────────────────────────────────┼──────────────────────────┤
        │       1 │ d1 (Dense)                          │ (None, 4)                │
        ├─────────┼─────────────────────────────────────┼──────────────────────────┤
        │       2 │ act (Activation)                    │ (None, 4)                │
        ├─────────┼─────────────────────────────────────┼──────────────────────────┤
        │       3 │ d2 (Dense)                          │ (None, 2)                │
        └─────────┴─────────────────────────────────────┴──────────────────────────┘
        """)
    }

    // MARK: - slice

    func testSlicingInsideABlockNamesTheBranchesAndTheNearestCuts() throws {
        let m = try blockModel()
        XCTAssertEqual(message { try slice(m, from: "b1a") }, """
        model "block" cannot be sliced from b1a: it is not a cut, other branches cross it and would be left without input:
          branch b2 (reads stem; joins at mixed)
          sum also reads stem directly (a connection around b1a)
        nearest cuts: stem (Conv2D) (None, 8, 8, 4) at layer 1 (before); sum (Add) (None, 8, 8, 4) at layer 7 (after); \
        slice from a cut (cuts(m) lists them), or from every tensor that enters the slice: from: ["b1a", "b2", "stem"]
        """)
    }

    func testTheTensorsTheErrorListsMakeAValidMultiInputSlice() throws {
        let m = try blockModel()
        let s = try slice(m, from: ["b1a", "b2", "stem"], to: ["sum"])
        XCTAssertEqual(s.inputs.map(\.sourceDescription), ["b1a", "b2", "stem"])
        // b1b, mixed, up: 38 + 20 parameters.
        XCTAssertEqual(s.parameterCount.total, 58)
    }

    func testSlicingInceptionResNetV2AsIfItWereAListIsExplained() throws {
        let m = try inceptionResNetV2()
        let text = message { try slice(m, from: "batch_normalization_157") }
        XCTAssertTrue(text.hasPrefix("model \"inception_resnet_v2\" cannot be sliced from batch_normalization_157: it is not a cut"), text)
        XCTAssertTrue(text.contains("\n  branch conv2d_158 → batch_normalization_158 → activation_158 → conv2d_159 → batch_normalization_159 → activation_159 (reads block17_20_ac; joins at mixed_7a)\n"), text)
        XCTAssertTrue(text.contains("\n  branch max_pooling2d_3 (reads block17_20_ac; joins at mixed_7a)\n"), text)
        XCTAssertTrue(text.contains("\nnearest cuts: block17_20_ac (Activation) (None, 17, 17, 1088) at layer 624 (before); mixed_7a (Concatenate) (None, 8, 8, 2080) at layer 647 (after);"), text)
    }

    func testASliceAtACutSharesItsLayersAndTheCountsAddUp() throws {
        let m = try blockModel()
        let front = try slice(m, to: "sum"), back = try slice(m, from: "sum")
        XCTAssertEqual(front.parameterCount.total + back.parameterCount.total, m.parameterCount.total)
        XCTAssertEqual(m.parameterCount.total, 205)
        XCTAssertEqual(back.layers.map(\.name), ["out", "gap", "head"])
        let head = try XCTUnwrap(m["head"])
        XCTAssertTrue(back.weights.allSatisfy { w in head.weights.contains { $0 === w } })
        // Calling the slice on a new tensor re-applies the same layers: no new weights.
        let y = try back(Input(shape: [8, 8, 4]))
        XCTAssertEqual(y.shape, [nil, 3])
        XCTAssertTrue(y.producer === back)
        XCTAssertTrue(back.layers.allSatisfy { l in m.layers.contains { $0 === l } })
    }

    func testASliceFromTheInputsToALayerIncludesThatLayer() throws {
        let s = try slice(try blockModel(), to: "stem")
        XCTAssertEqual(s.layers.map(\.name), ["image", "stem"])
        XCTAssertEqual(s.parameterCount.total, 112)
    }

    func testAnUnknownNameSuggestsTheClosest() throws {
        XCTAssertEqual(message { try slice(try blockModel(), from: "stme") },
                       "model \"block\" has no layer \"stme\"; did you mean \"stem\" or \"sum\"?")
    }

    func testASharedLayerMustBeNamedByItsCall() throws {
        let (shared, _, _) = try matchNets()
        XCTAssertEqual(message { try slice(shared, from: "feature") },
                       "model \"siamese\" calls feature 2 times, so its name alone does not say which output; say which call: feature[0][0] or feature[1][0]")
        let head = try slice(shared, from: ["feature[0][0]", "feature[1][0]"], to: [])
        // dense 1024x1024 + 1024, 1024x1024 + 1024, 1024x2 + 2.
        XCTAssertEqual(head.parameterCount.total, 1_049_600 + 1_049_600 + 2_050)
    }

    func testASliceMustGoDownstream() throws {
        XCTAssertEqual(message { try slice(try chain(), from: "d2", to: "d1") },
                       "model \"chain\" cannot be sliced from d2 to d1: d1 does not depend on d2; did you swap from and to?")
        XCTAssertEqual(message { try slice(try chain(), from: "d1", to: "d1") },
                       "model \"chain\" cannot be sliced from and to the same tensor d1: the slice would be empty")
    }

    func testKerasTensorReferencesParse() {
        XCTAssertTrue(parseTensorReference("feature[1][0]") == ("feature", 1, 0))
        XCTAssertTrue(parseTensorReference("conv2d") == ("conv2d", nil, nil))
        XCTAssertTrue(parseTensorReference("a[2]") == ("a", 2, nil))
        XCTAssertTrue(parseTensorReference("[1]") == ("[1]", nil, nil))
    }

    func testTheSliceReportSaysWhatItKeeps() throws {
        let m = try blockModel()
        let back = try slice(m, from: "sum", name: "tail")
        XCTAssertEqual(SurgeryReport(slice: back, of: m).text,
                       "slice(block): 205 → 15 params (-190); tail keeps 3 of 10 layers, sharing their weights")
    }

    // MARK: - to_fully_conv

    /// image (4, 4, 3) → conv 3x3 valid (2, 2, 2) → flatten (8) → dense 5 relu → dense 3.
    private func tinyClassifier() throws -> Model {
        let x = try Input(shape: [4, 4, 3])
        var h = try Conv2D(filters: 2, kernelSize: 3, name: "features")(x)
        h = try Flatten(name: "flatten")(h)
        h = try Dense(units: 5, activation: .relu, name: "fc")(h)
        h = try Dense(units: 3, name: "logits")(h)
        return try Model(inputs: x, outputs: h, name: "tiny")
    }

    private func value(_ layer: Layer?, _ i: Int) throws -> Tensor {
        try XCTUnwrap(layer?.ownWeights[i].variable?.value)
    }

    /// `x + bias` broadcast over the last axis.
    private func plusBias(_ x: Tensor, _ bias: Tensor) throws -> Tensor { try (Variable(x) + Variable(bias)).value }

    private func assertClose(_ a: Tensor, _ b: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, 1e-5, file: file, line: line)
    }

    /// Compares the converted convolutions with the Dense layers they replace, with the tensor
    /// kernels alone: dense path `matmul(flatten(map), kernel) + bias`, conv path
    /// `conv2d(map, reshaped kernel) + bias`.
    private func checkConvolutionsEqualDenses(_ m: Model, _ fc: Model) throws {
        var gen = RandomGenerator(seed: 11)
        let map = try Tensor.normal([2, 2, 2, 2], using: &gen)                 // the (2, 2, 2) map before Flatten, batch 2
        let dense = try plusBias(matmul(map.reshaped(to: [2, 8]), value(m["fc"], 0)), value(m["fc"], 1))
        let conv = try plusBias(conv2d(map, value(fc["fc_conv"], 0)), value(fc["fc_conv"], 1))
        XCTAssertEqual(conv.shape, [2, 1, 1, 5])
        assertClose(dense, conv)
        // The next Dense as a 1x1 convolution, on a 3x3 map of 5 features.
        let wide = try Tensor.normal([2, 3, 3, 5], using: &gen)
        let d2 = try plusBias(matmul(wide.reshaped(to: [18, 5]), value(m["logits"], 0)), value(m["logits"], 1))
        let c2 = try plusBias(conv2d(wide, value(fc["logits_conv"], 0)), value(fc["logits_conv"], 1))
        assertClose(d2, c2)
    }

    func testFullyConvKernelsComputeWhatTheDenseLayersDid() throws {
        let m = try tinyClassifier()
        var gen = RandomGenerator(seed: 3)
        try m.materializeWeights(using: &gen)
        try setWeights(XCTUnwrap(m["fc"]), [try Tensor.normal([8, 5], using: &gen), try Tensor.normal([5], using: &gen)])
        try setWeights(XCTUnwrap(m["logits"]), [try Tensor.normal([5, 3], using: &gen), try Tensor.normal([3], using: &gen)])
        let (fc, _) = try toFullyConv(m)
        XCTAssertEqual(fc["fc_conv"]?.ownWeights.map(\.shape), [[2, 2, 2, 5], [5]])
        XCTAssertEqual(fc["logits_conv"]?.ownWeights.map(\.shape), [[1, 1, 5, 3], [3]])
        try checkConvolutionsEqualDenses(m, fc)
    }

    func testUnmaterialisedDenseWeightsReachTheNewKernelsWhenMaterialised() throws {
        let m = try tinyClassifier()
        let (fc, _) = try toFullyConv(m)
        XCTAssertFalse(fc.weights.contains { $0.isMaterialized })
        var gen = RandomGenerator(seed: 4)
        try fc.materializeWeights(using: &gen)   // materialises the Dense weights it derives from
        XCTAssertEqual(try value(fc["fc_conv"], 0).scalars, try value(m["fc"], 0).scalars)
        try checkConvolutionsEqualDenses(m, fc)
    }

    func testAFlattenedDenseBecomesAConvolutionByHand() throws {
        // A (1, 2, 2) map [1, 2, 3, 4] flattened and weighted by [1, 10, 100, 1000]: 4321, and
        // the same numbers as a (1, 2, 2, 1) kernel over the map.
        let x = try Input(shape: [1, 2, 2])
        let y = try Dense(units: 1, useBias: false, name: "sum")(try Flatten()(x))
        let m = try Model(inputs: x, outputs: y)
        try setWeights(XCTUnwrap(m["sum"]), [try Tensor(shape: [4, 1], values: [1, 10, 100, 1000])])
        let (fc, _) = try toFullyConv(m)
        let kernel = try value(fc["sum_conv"], 0)
        XCTAssertEqual(kernel.shape, [1, 2, 2, 1])
        let out = try conv2d(try Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4]), kernel)
        XCTAssertEqual(out.scalars, [4321])
    }

    func testVGG16KeepsItsParametersAndReturnsAMapOnLargerImages() throws {
        let vgg = try Applications.vgg16()
        let (fc, report) = try toFullyConv(vgg)
        XCTAssertEqual(vgg.parameterCount.total, 138_357_544)
        XCTAssertEqual(fc.parameterCount.total, 138_357_544)
        XCTAssertEqual(fc.inputs[0].shape, [nil, nil, nil, 3])
        XCTAssertEqual(fc.outputs[0].shape, [nil, nil, nil, 1000])
        XCTAssertEqual(try fc(Input(shape: [448, 448, 3])).shape, [nil, 8, 8, 1000])
        XCTAssertEqual(try fc.outputShape(for: [[nil, 224, 224, 3]]), [nil, 1, 1, 1000])
        XCTAssertEqual(report.text, "to_fully_conv(vgg16): 138,357,544 → 138,357,544 params (no change); fc1 → fc1_conv (Conv2D 7x7 over the (7, 7, 512) map before the Flatten), fc2 → fc2_conv (Conv2D 1x1), predictions → predictions_conv (Conv2D 1x1), vgg16 input now (None, None, None, 3)")
        // The convolutional part is shared, not copied.
        XCTAssertTrue(fc["block1_conv1"] === vgg["block1_conv1"])
        XCTAssertFalse(fc.weights.contains { $0.isMaterialized })
    }

    func testASharedFeatureModelIsConvertedOnceAndStaysShared() throws {
        let (shared, _, _) = try matchNets()
        let (fc, report) = try toFullyConv(shared)
        XCTAssertEqual(fc.parameterCount.total, 3_483_122)
        let nested = fc.layers.compactMap { $0 as? Model }
        XCTAssertEqual(nested.map(\.name), ["feature_fully_conv"])
        XCTAssertEqual(fc.calls(of: nested[0]).count, 2)
        XCTAssertEqual(fc.outputs[0].shape, [nil, nil, nil, 2])
        XCTAssertEqual(try fc.outputShapes(for: [[nil, 28, 28, 1], [nil, 28, 28, 1]]), [[nil, 1, 1, 2]])
        XCTAssertEqual(report.changes.first, "dense → dense_conv (Conv2D 5x5 over the (5, 5, 96) map before the Flatten)")
    }

    func testAModelWithoutFlattenAndDenseHasNothingToConvert() throws {
        let x = try Input(shape: [8, 8, 3])
        let y = try Dense(units: 2)(try GlobalAveragePooling2D()(try Conv2D(filters: 4, kernelSize: 3)(x)))
        XCTAssertEqual(message { try toFullyConv(try Model(inputs: x, outputs: y, name: "gap_net")) },
                       "model \"gap_net\" has no Dense layer after a Flatten, so there is nothing to convert to convolutions; a model whose head is global pooling then Dense already accepts inputs of any size")
    }

    func testOnlyDropoutAndActivationsMaySitBetweenFlattenAndDense() throws {
        let x = try Input(shape: [4, 4, 2])
        let f = try Flatten(name: "flat")(x)
        let y = try Dense(units: 2)(try BatchNormalization(name: "bn")(f))
        let z = try Dense(units: 2)(try Dropout(rate: 0.5)(f))
        XCTAssertEqual(message { try toFullyConv(try Model(inputs: [x], outputs: [y, z], name: "m2")) },
                       "model \"m2\" cannot be made fully convolutional: flat feeds bn (BatchNormalization), which needs the flattened vector; only Dropout and activations may sit between a Flatten and the Dense layers that become convolutions")
    }

    // MARK: - weights

    private func namedPair() throws -> (source: Model, target: Model) {
        let a = try Input(shape: [3])
        let s = try Model(inputs: a, outputs: try Dense(units: 2, name: "out")(try Dense(units: 4, name: "hidden")(a)), name: "src")
        // The same names in another session (a model saved and rebuilt), one layer changed.
        NameScope.current = NameScope()
        let b = try Input(shape: [3])
        let h = try Dense(units: 4, name: "hidden")(b)
        let t = try Model(inputs: b, outputs: try Dense(units: 2, name: "extra")(try Dense(units: 5, name: "out")(h)), name: "dst")
        return (s, t)
    }

    func testCopyByNameReportsMatchedSkippedAndMismatched() throws {
        let (s, t) = try namedPair()
        var gen = RandomGenerator(seed: 1)
        try s.materializeWeights(using: &gen)
        let report = try copyWeights(from: s, to: t, by: .name)
        XCTAssertEqual(report.description, """
        copy_weights(src → dst, by name): 2 copied (16 params), 2 skipped, 2 mismatched
          matched     hidden/kernel (3, 4) ← hidden/kernel (3, 4)
          matched     hidden/bias (4,) ← hidden/bias (4,)
          mismatched  out/kernel (4, 5) ← out/kernel (4, 2): shapes differ
          mismatched  out/bias (5,) ← out/bias (2,): shapes differ
          skipped     extra/kernel (5, 2): no counterpart in the source, kept
          skipped     extra/bias (2,): no counterpart in the source, kept
        """)
        XCTAssertEqual(try value(t["hidden"], 0).scalars, try value(s["hidden"], 0).scalars)
        XCTAssertFalse(t["out"]?.ownWeights[0].isMaterialized ?? true, "a mismatched weight is left alone")
    }

    func testCopyByNameBetweenAModelAndItsCloneFindsNothingAndSaysSo() throws {
        let m = try chain()
        let c = try clone(m)
        XCTAssertEqual(try copyWeights(from: m, to: c, by: .name).text,
                       "copy_weights(chain → chain_1, by name): 0 copied (0 params), 8 skipped, 0 mismatched")
        let byOrder = try copyWeights(from: m, to: c, by: .order)
        XCTAssertEqual(byOrder.text, "copy_weights(chain → chain_1, by order): 4 copied (38 params), 0 skipped, 0 mismatched")
        // The source has no values yet: the clone's weights derive from it.
        var gen = RandomGenerator(seed: 2)
        try c.materializeWeights(using: &gen)
        XCTAssertEqual(try value(c.layers[1], 0).scalars, try value(m["d1"], 0).scalars)
    }

    func testCopyByOrderReshapesDenseKernelsIntoConvolutionKernels() throws {
        let m = try tinyClassifier()
        let (fc, _) = try toFullyConv(m)
        let other = try clone(fc)
        let report = try copyWeights(from: m, to: other, by: .order)
        XCTAssertEqual(report.text, "copy_weights(tiny → tiny_fully_conv_1, by order): 6 copied (2 reshaped, 119 params), 0 skipped, 0 mismatched")
        XCTAssertEqual(report.entries[2].status, .reshaped(from: [8, 5]))
    }

    func testStrictCopyChangesNothingWhenAWeightIsMissing() throws {
        let (s, t) = try namedPair()
        var gen = RandomGenerator(seed: 1)
        try s.materializeWeights(using: &gen)
        XCTAssertThrowsError(try copyWeights(from: s, to: t, by: .name, strict: true))
        XCTAssertFalse(t["hidden"]?.ownWeights[0].isMaterialized ?? true)
    }

    func testLayoutsAgreeOnlyWhenTheOutputAxisIsKept() {
        XCTAssertTrue(layoutsAgree([25088, 4096], [7, 7, 512, 4096]))
        XCTAssertTrue(layoutsAgree([4], [1, 4]))
        XCTAssertFalse(layoutsAgree([4, 6], [6, 4]), "a transpose moves numbers")
        XCTAssertFalse(layoutsAgree([8, 5], [2, 2, 2, 4]))
    }

    func testSetWeightsIsAllOrNothing() throws {
        let d = try Dense(units: 2, name: "d")
        _ = try d(Input(shape: [3]))
        XCTAssertEqual(message { try setWeights(d, [try Tensor.zeros([3, 2])]) },
                       "d has 2 weights (kernel (3, 2), bias (2,)), got 1 value")
        XCTAssertEqual(message { try setWeights(d, [try Tensor.zeros([3, 2]), try Tensor.zeros([3])]) },
                       "d has weight d/bias of shape (2,), which cannot take a value of shape (3,); no weight was changed")
        XCTAssertFalse(d.ownWeights[0].isMaterialized)
        let r = try setWeights(d, [try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]), try Tensor.ones([1, 2])])
        XCTAssertEqual(r.text, "set_weights(d): 2 copied (1 reshaped, 8 params), 0 skipped, 0 mismatched")
        XCTAssertEqual(d.ownWeights[1].variable?.value.shape, [2])
    }

    // MARK: - freezing

    func testFreezingALayerRangeReportsTheTrainableCounts() throws {
        let vgg = try Applications.vgg16()
        let r = try freeze(vgg, layers: 0...3)
        XCTAssertEqual(r.text, "freeze(vgg16.layers[0..3]): 138,357,544 → 138,357,544 params (no change), trainable 138,357,544 → 138,318,824; 2 layers with parameters frozen (block1_conv1, block1_conv2)")
        XCTAssertEqual(vgg.parameterCount.trainable, 138_357_544 - 1_792 - 36_928)
        XCTAssertEqual(try freeze(vgg, layers: 0...3).changes, ["no parameters changed: all were already frozen"])
        XCTAssertEqual(message { try freeze(vgg, layers: 20...30) }, "model \"vgg16\" has layers 0..22, not 20..30")
    }

    func testFreezingAListOfLayers() throws {
        let m = try chain()
        let r = freeze(Array(m.layers[1...2]))
        XCTAssertEqual(r.text, "freeze(d1, act): 28 → 28 params (no change), trainable 28 → 0; 1 layer with parameters frozen (d1)")
        XCTAssertEqual(unfreeze(m.layers).after.trainable, 38)
        XCTAssertEqual(try freeze(m, from: "act", to: "d2").after.trainable, 28)
    }
}
