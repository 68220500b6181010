import XCTest
import PlexusNN

final class ParameterCountTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    func testVGG16MatchesKerasPublishedCount() throws {
        let m = try Applications.vgg16()
        XCTAssertEqual(m.parameterCount, ParameterCount(total: 138_357_544, trainable: 138_357_544, nonTrainable: 0))
        XCTAssertEqual(m.outputs[0].shape, [nil, 1000])
    }

    func testResNet50MatchesKerasPublishedCounts() throws {
        let m = try Applications.resnet50()
        XCTAssertEqual(m.parameterCount.total, 25_636_712)
        XCTAssertEqual(m.parameterCount.nonTrainable, 53_120)
        XCTAssertEqual(m["conv5_block3_out"]?.nodes.first?.outputShapes, [[nil, 7, 7, 2048]])
    }

    func testMobileNetMatchesKerasPublishedCounts() throws {
        let m = try Applications.mobilenet()
        XCTAssertEqual(m.parameterCount.total, 4_253_864)
        XCTAssertEqual(m.parameterCount.nonTrainable, 21_888)
        // docs/design.md's graft point: conv_pad_6 is (None, 29, 29, 256).
        XCTAssertEqual(m["conv_pad_6"]?.nodes.first?.outputShapes, [[nil, 29, 29, 256]])
    }

    func testInceptionResNetV2MatchesKerasPublishedCounts() throws {
        let m = try inceptionResNetV2()
        XCTAssertEqual(m.parameterCount.total, 55_873_736)
        XCTAssertEqual(m.parameterCount.nonTrainable, 60_544)
        XCTAssertEqual(m["mixed_7a"]?.nodes.first?.outputShapes, [[nil, 8, 8, 2080]])
    }

    func testSiameseCountsTheSharedFeatureNetworkOnce() throws {
        let (shared, unshared, feature) = try matchNets()
        XCTAssertEqual(feature.parameterCount.total, 1_381_872)
        XCTAssertEqual(shared.parameterCount.total, 3_483_122)
        XCTAssertEqual(unshared.parameterCount.total, 4_864_994)
        XCTAssertEqual(unshared.parameterCount.total - shared.parameterCount.total, 1_381_872)
    }

    func testBasisConvCountsCoefficientsAndBiasTrainableAndBasisFrozen() throws {
        let (m, a, b) = try basisConv()
        XCTAssertEqual(m.parameterCount, ParameterCount(total: 640 + 64 + 1_210, trainable: 640 + 64, nonTrainable: 1_210))
        XCTAssertTrue(a.trainable)
        XCTAssertFalse(b.trainable)
        XCTAssertEqual(m.outputs[0].shape, [nil, 28, 28, 64])
    }

    func testAWeightUsedInTwoExpressionsCountsOnce() throws {
        let w = try Weight(name: "w", shape: [3, 4])
        let s = try add(w, w)
        let p = try multiply(w, s)
        let m = try Model(inputs: [], outputs: [p, s])
        XCTAssertEqual(m.parameterCount.total, 12)
    }

    func testANestedModelCalledTwiceCountsOnceAndItsSubtotalIsItsOwn() throws {
        let x = try Input(shape: [8])
        let inner = try Model(inputs: x, outputs: try Dense(units: 4)(x), name: "inner")
        let a = try Input(shape: [8])
        let y = try Add()([inner(a), inner(a)])
        let outer = try Model(inputs: a, outputs: y)
        XCTAssertEqual(inner.parameterCount.total, 8 * 4 + 4)
        XCTAssertEqual(outer.parameterCount.total, 36)
    }

    func testFreezingALayerMovesItsParametersToNonTrainable() throws {
        let feature = try matchNetFeature()
        let dense = try XCTUnwrap(feature["dense"])
        dense.freeze()
        XCTAssertEqual(feature.parameterCount.trainable, 1_381_872 - 1_229_312)
        XCTAssertEqual(feature.parameterCount.nonTrainable, 1_229_312)
        dense.unfreeze()
        XCTAssertEqual(feature.parameterCount.nonTrainable, 0)
    }

    func testFreezingAModelFreezesNestedLayersButStatisticsStayNonTrainableOnUnfreeze() throws {
        let x = try Input(shape: [4, 4, 3])
        let y = try BatchNormalization()(Conv2D(filters: 2, kernelSize: 1)(x))
        let m = try Model(inputs: x, outputs: y)
        freeze(m)
        XCTAssertEqual(m.parameterCount.trainable, 0)
        unfreeze(m)
        // conv 3*2+2 = 8 and gamma, beta 4 trainable; moving mean and variance 4 never.
        XCTAssertEqual(m.parameterCount, ParameterCount(total: 16, trainable: 12, nonTrainable: 4))
    }

    func testWeightsBuiltAfterFreezingAreFrozen() throws {
        let d = try Dense(units: 3)
        d.freeze()
        _ = try d(Input(shape: [2]))
        XCTAssertEqual(d.parameterCount, ParameterCount(total: 9, trainable: 0, nonTrainable: 9))
    }
}
