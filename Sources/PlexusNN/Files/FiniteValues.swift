import PlexusTensor

/// The one rule for numbers, where they enter: every number the language makes or reads is
/// finite. Arithmetic and builtins whose result is not finite are errors, literals too large are
/// errors, initialisers and tensor literals must fit a Float32, and a file (csv, npy, idx,
/// safetensors) holding `nan` or an infinity is refused, naming the first such value. Only
/// computation on tensors (a training run) can make non-finite values, and training stops at the
/// first one (see `Divergence`).
///
/// - Throws: `DataError(file, "<what> holds nan at index 12 (flat); only finite numbers are read")`.
func requireFinite(_ tensor: Tensor, file: String, what: String) throws {
    if let bad = tensor.firstNonFinite {
        throw DataError(file: file, "\(what) holds \(formatFigure(Double(bad.value))) at index \(formatCount(bad.index)) (flat); only finite numbers are read")
    }
}
