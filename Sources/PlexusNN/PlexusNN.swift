import PlexusTensor

/// PlexusNN: layers, graphs with shared weights, shape inference, summaries, surgery, costs,
/// execution plans and training, data sets and files (safetensors, Keras, ONNX). It re-exports the
/// tensor library it is built on, whose `Tensor` and `Variable` are its currency.
public enum PlexusNN {
    /// The library's version, shown by `plexus --version`.
    public static let version = "0.1.0"
}
