import PlexusTensor
import PlexusNN
import XCTest

final class GraphTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    func testModelFromOutputsFindsInputsInCreationOrder() throws {
        let a = try Input(shape: [4]), b = try Input(shape: [4])
        let y = try Concatenate()([try Dense(units: 2)(b), try Dense(units: 2)(a)])
        let m = try Model(outputs: y)
        XCTAssertTrue(m.inputs[0] === a && m.inputs[1] === b)
    }

    func testMissingInputIsNamed() throws {
        let a = try Input(shape: [4]), b = try Input(shape: [4], name: "side")
        let y = try Add()([try Dense(units: 4)(a), b])
        XCTAssertEqual(message { try Model(inputs: [a], outputs: [y], name: "m") },
                       "model \"m\" cannot be built: output add (None, 4) depends on input side (None, 4), which is not among its inputs (input_layer); add side to the inputs, or build the model from its outputs alone to find the inputs by walking back")
    }

    func testLayersAreInKerasOrderDeepestFirst() throws {
        // Two inputs, two branches: Keras lists both inputs, then the branches by depth.
        let a = try Input(shape: [4], name: "a"), b = try Input(shape: [4], name: "b")
        let da = try Dense(units: 3, name: "da")(a)
        let db = try Dense(units: 3, name: "db")(try Dense(units: 4, name: "pre")(b))
        let y = try Add(name: "sum")([da, db])
        let m = try Model(inputs: [a, b], outputs: [y])
        // Depths from the output: sum 0; da, db 1; pre 2, a 2; b 3.
        XCTAssertEqual(m.layers.map(\.name), ["b", "a", "pre", "da", "db", "sum"])
        XCTAssertEqual(m.graphNodes.map(\.layer.name), ["b", "pre", "a", "da", "db", "sum"])
        // Execution order respects dependencies.
        var seen = Set<String>()
        for node in m.graphNodes {
            for t in node.inputs { XCTAssertTrue(seen.contains(t.producer.name), "\(t.producer.name) before \(node.layer.name)") }
            seen.insert(node.layer.name)
        }
    }

    func testASharedLayerHasOneNodePerCallWithKerasIndices() throws {
        let (shared, _, feature) = try matchNets()
        let calls = shared.calls(of: feature)
        XCTAssertEqual(calls.map(\.index), [0, 1])
        XCTAssertEqual(shared["concatenate"].map { shared.calls(of: $0)[0].inputs.map(\.reference) } ?? [],
                       ["feature[0][0]", "feature[1][0]"])
    }

    func testANestedModelPropagatesNewShapesThroughItsLayers() throws {
        let x = try Input(shape: [nil, nil, 3])
        let y = try GlobalAveragePooling2D()(Conv2D(filters: 8, kernelSize: 3)(x))
        let m = try Model(inputs: x, outputs: y)
        XCTAssertEqual(try m(Input(shape: [32, 32, 3])).shape, [nil, 8])
        XCTAssertEqual(try m.outputShape(for: [[nil, 16, 16, 3]]), [nil, 8])
        XCTAssertEqual(message { try m.outputShape(for: [[nil, 2, 2, 3]]) }.hasPrefix("functional/conv2d expects height and width"), true)
    }

    func testAMultiOutputModelAppliedGivesAllOutputs() throws {
        let x = try Input(shape: [4])
        let m = try Model(inputs: [x], outputs: [try Dense(units: 2)(x), try Dense(units: 3)(x)])
        let outs = try m.apply([try Input(shape: [4])])
        XCTAssertEqual(outs.map(\.shape), [[nil, 2], [nil, 3]])
        XCTAssertThrowsError(try m(Input(shape: [4])))
    }

    func testCloneHasFreshWeightsAndNamesButTheSameStructure() throws {
        let (shared, _, _) = try matchNets()
        let c = try clone(shared)
        XCTAssertEqual(c.parameterCount, shared.parameterCount)
        XCTAssertEqual(c.layers.map(\.typeName), shared.layers.map(\.typeName))
        XCTAssertTrue(Set(c.layers.map(\.name)).isDisjoint(with: shared.layers.map(\.name)))
        XCTAssertTrue(zip(c.weights, shared.weights).allSatisfy { $0 !== $1 && $0.copyOf == nil && $0.shape == $1.shape })
        // The clone's feature model is still one model called twice.
        let nested = c.layers.compactMap { $0 as? Model }
        XCTAssertEqual(nested.count, 1)
        XCTAssertEqual(c.calls(of: nested[0]).count, 2)
    }

    func testCopyTakesTheOriginalsValuesWhenMaterialised() throws {
        let x = try Input(shape: [3])
        let m = try Model(inputs: x, outputs: try Dense(units: 2)(x))
        let c = try copy(m)
        XCTAssertTrue(zip(c.weights, m.weights).allSatisfy { $0.copyOf === $1 })
        var gen = RandomGenerator(seed: 1)
        try c.materializeWeights(using: &gen)
        XCTAssertEqual(c.weights[0].variable?.value.scalars, m.weights[0].variable?.value.scalars)
        XCTAssertNotNil(m.weights[0].variable)
    }

    func testCloneKeepsFrozenWeightsFrozen() throws {
        let (m, _, _) = try basisConv()
        let c = try clone(m)
        XCTAssertEqual(c.parameterCount, m.parameterCount)
        XCTAssertEqual(c.layers.compactMap { ($0 as? WeightSource)?.weight.name }.sorted(), ["a_1", "b_1"])
    }

    func testALayerNeverCalledHasNoWeightsToRunWithAndSaysSo() throws {
        let d = try Dense(units: 2)
        XCTAssertEqual(message { try d.forward([Variable(Tensor.zeros([1, 3]))], context: ForwardContext(seed: 0)) },
                       "dense has no weights yet: call it on a tensor first, so that its weights are created for that input's shape")
    }

    func testTheGraphIsReleasedWhenNothingUsesIt() throws {
        weak var weakLayer: Dense?
        weak var weakWeight: Weight?
        weak var weakModel: Model?
        do {
            let x = try Input(shape: [3])
            let d = try Dense(units: 2)
            let m = try Model(inputs: x, outputs: try d(x))
            var gen = RandomGenerator(seed: 0)
            try m.materializeWeights(using: &gen)
            (weakLayer, weakWeight, weakModel) = (d, d.weights.first, m)
            XCTAssertNotNil(weakWeight?.variable)
        }
        XCTAssertNil(weakModel)
        XCTAssertNil(weakLayer)
        XCTAssertNil(weakWeight, "no reference cycle keeps weight storage alive")
    }

    func testDescriptionsForThePrompt() throws {
        let (shared, _, feature) = try matchNets()
        XCTAssertEqual(shared.description,
                       "siamese (Functional): (None, 28, 28, 1), (None, 28, 28, 1) → (None, 2); 3,483,122 params (13.29 MB); shared: feature x2")
        XCTAssertEqual(feature.outputs[0].description, "<tensor (None, 512) from dense (Dense)>")
        XCTAssertEqual(try XCTUnwrap(feature["conv2d"]).description,
                       "conv2d (Conv2D) filters: 24, kernel_size: (3, 3), strides: (1, 1), padding: \"same\", dilation_rate: (1, 1), groups: 1, activation: relu, use_bias: true, kernel_initializer: glorot_uniform, bias_initializer: zeros; weights kernel (3, 3, 1, 24), bias (24,) = 240 params")
        XCTAssertEqual(try Dense(units: 3).description,
                       "dense_8 (Dense) units: 3, activation: linear, use_bias: true, kernel_initializer: glorot_uniform, bias_initializer: zeros; not built yet: weights are created on the first call")
    }
}
