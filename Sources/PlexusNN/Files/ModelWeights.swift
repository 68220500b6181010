import PlexusTensor
/// Saving and loading a model's weights in the safetensors format, named by their paths
/// (`conv2d/kernel`, `batch_normalization/moving_mean`).
extension Model {
    /// Writes every weight (materialising those without storage from `generator`) to `path`;
    /// the file is written beside it and renamed, so a failed save leaves the old file whole.
    public func saveWeights(to path: String, using generator: inout RandomGenerator) throws -> Int {
        let named = try weights.map { w in (name: w.path, tensor: try w.materialize(using: &generator).value) }
        try checkUniquePaths()
        try writeSafetensors(named, to: path, metadata: ["format": "plexus", "model": name])
        return named.count
    }

    /// Reads `path` and assigns its tensors to the weights of the same paths. Everything is
    /// checked first: every weight must be in the file with its shape, and every tensor of the
    /// file must belong to a weight; on any mismatch nothing changes and the first offending
    /// weight is named.
    public func loadWeights(from path: String) throws -> Int {
        try checkUniquePaths()
        let tensors = try readSafetensors(path)
        for w in weights {
            guard let t = tensors[w.path] else {
                throw NetworkError(name, "cannot load \(path): the file has no tensor for weight \(w.path) \(formatShape(w.shape))")
            }
            guard t.shape == w.shape else {
                throw NetworkError(name, "cannot load \(path): weight \(w.path) is \(formatShape(w.shape)) but the file holds \(formatShape(t.shape))")
            }
        }
        let known = Set(weights.map(\.path))
        if let stray = tensors.keys.sorted().first(where: { !known.contains($0) }) {
            throw NetworkError(name, "cannot load \(path): the file's tensor \(stray) belongs to no weight of this model")
        }
        for w in weights { if let t = tensors[w.path] { try w.assign(t) } }
        return weights.count
    }

    private func checkUniquePaths() throws {
        var seen = Set<String>()
        for w in weights where !seen.insert(w.path).inserted {
            throw NetworkError(name, "has two weights named \(w.path); give the layers distinct names to save or load them")
        }
    }
}
