import PlexusTensor
import XCTest
@testable import PlexusNN

/// `LayerSpec`: every layer type described by one is made, copied and written to and read from a
/// Keras config through its arguments alone, and a refused argument carries its layer type and name.
final class LayerSpecTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    /// A value other than the default for every argument, of its kind, that every spec accepts.
    private func sample(_ a: ArgumentSpec) -> ArgumentValue {
        switch a.name {
        case "dilation_rate": return .size2D(1)                  // strides > 1 excludes dilation > 1
        case "output_padding": return .size2D(Size2D(1, 0))      // below the strides (2, 3)
        default: break
        }
        switch a.kind {
        case .integer, .axis: return .int(2)
        case .number: return .number(0.25)
        case .bool:
            guard case .bool(let b)? = a.defaultValue else { return .bool(true) }
            return .bool(!b)
        case .size2D: return .size2D(Size2D(2, 3))
        case .padding: return .padding(.same)
        case .activation: return .activation(.relu)
        case .initializer: return .initializer(.heNormal)
        case .choice(let options): return .string(options[options.count - 1])
        case .axes: return .ints([1, 2])
        case .integers: return .ints([2, 1])
        case .dimensions: return .dimensions([nil, 1])
        case .sides2D: return .sides(Sides2D(top: 1, bottom: 2, left: 3, right: 4))
        }
    }

    private func samples(_ spec: LayerSpec) -> [String: ArgumentValue] {
        Dictionary(uniqueKeysWithValues: spec.implementedArguments.map { ($0.name, sample($0)) })
    }

    func testEveryLayerTypeIsMadeFromItsArgumentsAndKeepsThem() throws {
        for spec in LayerSpec.all {
            let arguments = try spec.arguments(samples(spec))
            let layer = try spec.makeLayer(arguments, name: nil)
            XCTAssertEqual(layer.typeName, spec.className)
            XCTAssertEqual(try XCTUnwrap(layer.arguments, spec.className).values, arguments.values, spec.className)
        }
    }

    func testACopyHasTheSameArgumentsAndConfig() throws {
        for spec in LayerSpec.all {
            let layer = try spec.makeLayer(spec.arguments(samples(spec)), name: nil)
            let copy = try layer.makeUnbuiltCopy(name: "copy_of_\(layer.name)")
            XCTAssertEqual(try XCTUnwrap(copy.arguments, spec.className).values, layer.arguments?.values, spec.className)
            XCTAssertEqual(copy.config.map { "\($0.key)=\($0.value)" }, layer.config.map { "\($0.key)=\($0.value)" }, spec.className)
        }
    }

    func testConfigShowsArgumentsInKerasOrderAsTheLanguageWritesThem() throws {
        let conv = try Conv2D(filters: 8, kernelSize: Size2D(3, 5), padding: .same, activation: .relu)
        XCTAssertEqual(conv.config.map { "\($0.key): \($0.value)" }, [
            "filters: 8", "kernel_size: (3, 5)", "strides: (1, 1)", "padding: \"same\"", "dilation_rate: (1, 1)", "groups: 1",
            "activation: relu", "use_bias: true", "kernel_initializer: glorot_uniform", "bias_initializer: zeros",
        ])
    }

    func testEveryLayerTypeGoesToAKerasConfigAndComesBackWithItsArguments() throws {
        for spec in LayerSpec.all {
            for given in [samples(spec), [:]] where spec.implementedArguments.allSatisfy({ !$0.isRequired }) || !given.isEmpty {
                let layer = try spec.makeLayer(spec.arguments(given), name: nil)
                let entry = try XCTUnwrap(kerasLayerTable[spec.className], spec.className)
                let config = try XCTUnwrap(entry.export(layer), spec.className)
                let back = try entry.make(KerasConfig(layerName: "back", className: spec.className, values: config), "back_\(layer.name)")
                XCTAssertEqual(try XCTUnwrap(back.arguments, spec.className).values, layer.arguments?.values, spec.className)
                XCTAssertEqual(Set(entry.fixed.map(\.key)), Set(spec.arguments.filter { !$0.isImplemented }.map(\.name)), spec.className)
            }
        }
    }

    func testARefusedArgumentCarriesTheLayerTypeAndTheArgument() {
        XCTAssertThrowsError(try Conv2D(filters: 0, kernelSize: 3)) { error in
            let e = error as? NetworkError
            XCTAssertEqual(e?.layerType, "Conv2D")
            XCTAssertEqual(e?.argument, "filters")
            XCTAssertEqual(e?.description, "Conv2D: filters must be positive, got 0")
        }
    }

    func testACheckOfTwoArgumentsNamesTheOneToChange() {
        XCTAssertThrowsError(try Conv2D(filters: 6, kernelSize: 3, groups: 4)) { error in
            XCTAssertEqual((error as? NetworkError)?.argument, "filters")
            XCTAssertEqual("\(error)", "Conv2D: filters (6) must be divisible by groups (4)")
        }
    }

    func testASpecRefusesAMissingRequiredArgumentAndOneItDoesNotHave() {
        XCTAssertThrowsError(try Dense.spec.arguments([:])) { XCTAssertEqual("\($0)", "Dense: units must be given") }
        XCTAssertThrowsError(try Dense.spec.arguments(["units": .int(2), "filters": .int(3)])) { error in
            XCTAssertEqual((error as? NetworkError)?.argument, "filters")
        }
        XCTAssertThrowsError(try Dense.spec.arguments(["units": .string("2")])) {
            XCTAssertEqual("\($0)", "Dense: units expects an integer, got \"2\"")
        }
    }

    func testEveryBuiltinNameIsUnique() {
        let names = LayerSpec.all.flatMap { spec in spec.builtin.map { [$0] + spec.aliases } ?? [] }
        XCTAssertEqual(names.count, Set(names).count)
        XCTAssertEqual(LayerSpec.all.count, Set(LayerSpec.all.map(\.className)).count)
    }
}
