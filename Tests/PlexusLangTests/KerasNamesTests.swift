import XCTest
@testable import PlexusLang

/// What a Keras user types: Keras's snake_case layer names, Activation with a name, padding in
/// any case, a variadic shape passed by name.
final class KerasNamesTests: XCTestCase {
    func testKerasLayerNamesAreAliasesOfOurs() {
        let registry = BuiltinRegistry.standard()
        let aliases = ["concatenate": "concat", "max_pooling2d": "maxpool", "average_pooling2d": "avgpool",
                       "batch_normalization": "batchnorm", "global_average_pooling2d": "global_avg_pool",
                       "global_max_pooling2d": "global_max_pool", "layer_normalization": "layernorm",
                       "up_sampling2d": "upsampling2d"]
        for (keras, ours) in aliases {
            XCTAssertTrue(registry.lookup(keras) === registry.lookup(ours) && registry.lookup(ours) != nil, "\(keras) is not \(ours)")
        }
        XCTAssertNotNil(registry.lookup("add"))
    }

    func testAKerasStyleBlockBuildsWithKerasNames() {
        let t = Transcript()
        t.run("""
            x = input(32, 32, 3)
            h = x |> conv2d(8, 3, padding: "same") |> batch_normalization() |> activation("relu", name: "act")
            a = h |> max_pooling2d(2); b = h |> average_pooling2d(2)
            y = concatenate(a, b) |> global_average_pooling2d()
            """)
        XCTAssertEqual(t.run("y.shape"), "(none, 16)\n")
        XCTAssertEqual(t.run("h.layer.name; h.layer.type"), "\"act\"\n\"Activation\"\n")
    }

    func testActivationTakesANameOrAValueAndRefusesAnUnknownOne() {
        let t = Transcript()
        XCTAssertTrue(t.run("activation(relu)").hasPrefix("activation (Activation)"), t.run("activation(relu)"))
        XCTAssertTrue(t.run("activation(\"rlu\")").contains("error: activation argument 'activation' expects"))
    }

    func testPaddingIgnoresCaseAsKeras() {
        let t = Transcript()
        t.run("x = input(28, 28, 1)")
        XCTAssertEqual(t.run("(x |> conv2d(4, 3, padding: \"SAME\")).shape"), "(none, 28, 28, 4)\n")
        XCTAssertEqual(t.run("(x |> maxpool(2, padding: \"Valid\")).shape"), "(none, 14, 14, 1)\n")
        XCTAssertTrue(t.run("x |> conv2d(4, 3, padding: \"SAMEE\")").contains("did you mean \"same\"?"))
    }

    func testAVariadicShapeMayBePassedByName() {
        let t = Transcript()
        XCTAssertEqual(t.run("input(shape: (224, 224, 3)).shape"), "(none, 224, 224, 3)\n")
        XCTAssertEqual(t.run("input(shape: [none, 3]).shape"), "(none, none, 3)\n")
        XCTAssertTrue(t.run("input(2, shape: (3,))").contains("error: input got argument 'shape' twice, by position and by name"))
        XCTAssertEqual(t.run("zeros(shape: [2, 2])"), "Tensor(2, 2) [0, 0, 0, 0]\n")
    }

    func testAnUnknownKeywordLooksAtTheVariadicNameToo() {
        XCTAssertTrue(Transcript().run("input(shap: (2,))").contains("did you mean 'shape'?"))
    }
}
