import PlexusTensor
import PlexusNN
import Foundation
import SwiftProtobuf
import XCTest
@testable import PlexusLang

final class ONNXBuiltinTests: XCTestCase {
    private func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func tensor(_ url: URL) throws -> Onnx_TensorProto {
        try Onnx_TensorProto(serializedBytes: Data(contentsOf: url))
    }

    private func floats(_ t: Onnx_TensorProto) -> [Float] {
        t.rawData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    func testExportWritesTheModelAndTestDataWithPlexussOutputs() throws {
        let folder = try scratchFolder()
        let path = folder.appendingPathComponent("models/mlp.onnx").path
        let t = Transcript()
        let printed = t.run("""
            x = input(4, 4, 2, name: "pixels")
            m = model(x, x |> conv2d(3, 3, padding: "same") |> flatten() |> dense(5, activation: softmax, name: "probs"), name: "mlp")
            data = randn(2, 4, 4, 2)
            p = predict(m, data)
            export_onnx(m, "\(path)", test_inputs: [data])
            """)
        XCTAssertTrue(printed.hasPrefix("exported mlp to \(path) ("), printed)
        XCTAssertTrue(printed.contains("6 nodes, 4 initializers (302 params), opset 17"), printed)
        XCTAssertTrue(printed.contains("  input  pixels (batch, 4, 4, 2)\n  output probs (batch, 5)\n"), printed)
        let model = try Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(model.graph.name, "mlp")
        XCTAssertEqual(model.graph.output.map(\.name), ["probs"])

        let set = folder.appendingPathComponent("models/test_data_set_0")
        let input = try tensor(set.appendingPathComponent("input_0.pb"))
        let output = try tensor(set.appendingPathComponent("output_0.pb"))
        XCTAssertEqual(input.name, "pixels")
        XCTAssertEqual(input.dims, [2, 4, 4, 2])
        XCTAssertEqual(output.name, "probs")
        XCTAssertEqual(output.dims, [2, 5])
        guard case .tensor(let data)? = t.session.interpreter.globals.values["data"],
              case .tensor(let p)? = t.session.interpreter.globals.values["p"] else { return XCTFail("data and p are tensors") }
        XCTAssertEqual(floats(input), data.scalars)
        XCTAssertEqual(floats(output), p.scalars, "the expected outputs are Plexus's own")
    }

    func testARefusedModelWritesNothingAndNamesTheLayer() throws {
        let folder = try scratchFolder()
        let path = folder.appendingPathComponent("up.onnx").path
        let t = Transcript()
        let printed = t.run("""
            x = input(4, 4, 1)
            up = model(x, x |> upsampling2d(2, interpolation: "bilinear", name: "smooth_up"))
            export_onnx(up, "\(path)")
            """)
        XCTAssertTrue(printed.contains(":3:1: error: smooth_up cannot be exported to ONNX: interpolation \"bilinear\""), printed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    func testTestInputsMustGiveATensorPerModelInput() throws {
        let folder = try scratchFolder()
        let path = folder.appendingPathComponent("pair.onnx").path
        let t = Transcript()
        let printed = t.run("""
            a = input(3); b = input(3)
            pair = model([a, b], add(a, b))
            export_onnx(pair, "\(path)", test_inputs: [randn(2, 3)])
            """)
        XCTAssertTrue(printed.contains("export_onnx: test set 0 has 1 tensor for the model's 2 inputs"), printed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
