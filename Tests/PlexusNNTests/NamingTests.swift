import XCTest
import PlexusNN

final class NamingTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    func testSnakeCaseGivesKeras3BaseNames() {
        let expected = ["InputLayer": "input_layer", "Dense": "dense", "Conv2D": "conv2d", "DepthwiseConv2D": "depthwise_conv2d",
                        "SeparableConv2D": "separable_conv2d", "Conv2DTranspose": "conv2d_transpose",
                        "MaxPooling2D": "max_pooling2d", "AveragePooling2D": "average_pooling2d",
                        "GlobalAveragePooling2D": "global_average_pooling2d", "GlobalMaxPooling2D": "global_max_pooling2d",
                        "BatchNormalization": "batch_normalization", "LayerNormalization": "layer_normalization",
                        "ZeroPadding2D": "zero_padding2d", "UpSampling2D": "up_sampling2d", "ReLU": "re_lu",
                        "Functional": "functional"]
        for (type, base) in expected { XCTAssertEqual(snakeCaseName(type), base, type) }
    }

    func testAutomaticNamesCountPerBaseName() throws {
        let names = try [Dense(units: 1), Dense(units: 1), Conv2D(filters: 1, kernelSize: 1), Dense(units: 1)].map(\.name)
        XCTAssertEqual(names, ["dense", "dense_1", "conv2d", "dense_2"])
        XCTAssertEqual(try ReLU().name, "re_lu")
        XCTAssertEqual(try Input(shape: [3]).producer.name, "input_layer")
        XCTAssertEqual(try Input(shape: [3]).producer.name, "input_layer_1")
    }

    func testModelsAreNamedFunctional() throws {
        let x = try Input(shape: [2])
        let m1 = try Model(inputs: x, outputs: x)
        let m2 = try Model(inputs: x, outputs: x)
        XCTAssertEqual([m1.name, m2.name], ["functional", "functional_1"])
    }

    func testAutomaticNamesSkipNamesTheUserChose() throws {
        _ = try Dense(units: 1, name: "dense")
        XCTAssertEqual(try Dense(units: 1).name, "dense_1")
    }

    func testOpsShareCountersWithLayersOfTheSameBaseName() throws {
        let w = try Weight(shape: [2])
        XCTAssertEqual(w.name, "weight")
        _ = try Add()
        XCTAssertEqual(try add(w, w).producer.name, "add_1")
    }

    func testEachScopeStartsAgain() throws {
        XCTAssertEqual(try Dense(units: 1).name, "dense")
        let other = NameScope()
        try NameScope.with(other) { XCTAssertEqual(try Dense(units: 1).name, "dense") }
        XCTAssertEqual(try Dense(units: 1).name, "dense_1")
    }

    func testWeightPathsNameTheLayer() throws {
        let c = try Conv2D(filters: 2, kernelSize: 3, name: "block1_conv1")
        _ = try c(Input(shape: [8, 8, 1]))
        XCTAssertEqual(c.weights.map(\.path), ["block1_conv1/kernel", "block1_conv1/bias"])
    }

    func testANameWithASlashIsRejected() {
        XCTAssertThrowsError(try Dense(units: 1, name: "a/b"))
    }
}
