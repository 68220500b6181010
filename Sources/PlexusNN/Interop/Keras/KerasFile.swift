import Foundation
import ZIPFoundation

/// Keras model files read into Plexus models: `.keras` (Keras 3's zip of `config.json`,
/// `metadata.json` and `model.weights.h5`) and legacy `.h5` models (`model_config` attribute and
/// `model_weights` group).
///
/// The model is built whole and every weight checked before anything is returned, so an
/// unsupported layer, argument or weight shape fails with one error naming the layer and its
/// Keras class, and leaves nothing behind.
public func loadKeras(_ path: String) throws -> Model {
    guard FileManager.default.fileExists(atPath: path) else { throw DataError(file: path, "no such file") }
    if isZip(path) {
        return try withKerasArchive(path) { config, weightsPath in
            var builder = KerasGraphBuilder()
            let model = try builder.model(JSONValue.parse(config))
            guard let weightsPath else { throw DataError(file: path, "has no model.weights.h5") }
            let reader = KerasWeightReader(file: try HDF5File(reading: weightsPath), order: builder.order, className: builder.kerasClass)
            _ = try reader.load(into: model)
            return model
        }
    }
    guard isHDF5(path) else {
        throw DataError(file: path, "is neither a Keras 3 .keras file (a zip archive) nor a legacy .h5 model (an HDF5 file)")
    }
    let file = try HDF5File(reading: path)
    guard let config = try file.stringAttribute("model_config")?.first else {
        throw DataError(file: path, "is an HDF5 file without a model_config attribute: a weights file (use load_weights with a model)")
    }
    var builder = KerasGraphBuilder()
    let model = try builder.model(JSONValue.parse(Data(config.utf8)))
    _ = try KerasWeightReader(file: file, order: builder.order, className: builder.kerasClass).load(into: model)
    return model
}

/// Loads Keras weights into a model built in Plexus with the same layers: a legacy `.h5` weight
/// file (keras.applications' pretrained weights, by layer name), a legacy `.h5` model's
/// `model_weights`, a Keras 3 `.weights.h5`, or the weights of a `.keras` file (by Keras's layer
/// order and class names). Returns the number of weights loaded.
public func loadKerasWeights(into model: Model, from path: String) throws -> Int {
    guard FileManager.default.fileExists(atPath: path) else { throw DataError(file: path, "no such file") }
    if isZip(path) {
        return try withKerasArchive(path) { _, weightsPath in
            guard let weightsPath else { throw DataError(file: path, "has no model.weights.h5") }
            return try KerasWeightReader(file: try HDF5File(reading: weightsPath)).load(into: model)
        }
    }
    return try KerasWeightReader(file: try HDF5File(reading: path)).load(into: model)
}

/// Whether the file starts with HDF5's signature (`\u{89}HDF\r\n\u{1A}\n`, at offset 0: Keras
/// writes no user block).
private func isHDF5(_ path: String) -> Bool {
    guard let h = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? h.close() }
    return h.readData(ofLength: 8) == Data([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A])
}

/// Whether the file starts with a zip signature (`PK\u{3}\u{4}`).
private func isZip(_ path: String) -> Bool {
    guard let h = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? h.close() }
    return h.readData(ofLength: 4) == Data([0x50, 0x4B, 0x03, 0x04])
}

/// Opens a `.keras` archive, extracts `model.weights.h5` to a temporary folder (the HDF5 library
/// reads files), and hands `config.json` and the weights' path to `body`.
private func withKerasArchive<T>(_ path: String, _ body: (Data, String?) throws -> T) throws -> T {
    let archive: Archive
    do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
        throw DataError(file: path, "is not a readable .keras (zip) file")
    }
    guard let configEntry = archive["config.json"] else { throw DataError(file: path, "has no config.json: not a Keras 3 model file") }
    var config = Data()
    do { _ = try archive.extract(configEntry) { config.append($0) } } catch {
        throw DataError(file: path, "config.json cannot be read: \(error)")
    }
    guard let weightsEntry = archive["model.weights.h5"] else { return try body(config, nil) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-keras-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let weights = folder.appendingPathComponent("model.weights.h5")
    do { _ = try archive.extract(weightsEntry, to: weights) } catch {
        throw DataError(file: path, "model.weights.h5 cannot be extracted: \(error)")
    }
    return try body(config, weights.path)
}
