import Foundation
import XCTest
@testable import PlexusNN

/// A Keras config Plexus cannot build fails with one error naming the layer, its class and what
/// is missing.
final class KerasImportErrorTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private func build(_ layers: String) throws -> Model {
        let json = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 8, 8, 3], "name": "input_layer"}}, \(layers)]}}
        """
        var builder = KerasGraphBuilder()
        return try builder.model(JSONValue.parse(Data(json.utf8)))
    }

    private func assertError(_ layers: String, contains expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try build(layers), file: file, line: line) { e in
            XCTAssertTrue("\(e)".contains(expected), "\(e)", file: file, line: line)
        }
    }

    func testSupportedConfigBuilds() throws {
        let m = try build(#"{"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": [3, 3], "data_format": "channels_last"}}"#)
        XCTAssertEqual(m.layers.map(\.name), ["input_layer", "c"])
    }

    func testUnknownLayerClassIsNamed() {
        assertError(#"{"class_name": "LSTM", "module": "keras.layers", "config": {"name": "lstm", "units": 4}}"#,
                    contains: "lstm (LSTM) is a Keras layer Plexus does not have")
    }

    func testUnsupportedArgumentValueIsNamed() {
        assertError(#"{"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": 3, "data_format": "channels_first"}}"#,
                    contains: "c (Conv2D) has data_format = \"channels_first\", which Plexus does not support")
    }

    func testUnknownArgumentIsNamed() {
        assertError(#"{"class_name": "Dense", "config": {"name": "d", "units": 4, "kernel_regularizer": {"class_name": "L2"}}}"#,
                    contains: "d (Dense) has kernel_regularizer")
    }

    func testMissingArgumentIsNamed() {
        assertError(#"{"class_name": "Dense", "config": {"name": "d"}}"#, contains: "d (Dense) has no units")
    }

    func testUnknownActivationIsNamed() {
        assertError(#"{"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "hard_sigmoid"}}"#,
                    contains: "d (Dense) uses activation \"hard_sigmoid\"")
    }
}
