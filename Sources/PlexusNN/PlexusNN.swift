@_exported import PlexusTensor

/// PlexusNN: layers, graphs with shared weights, shape inference, summaries, surgery and training.
/// Filled by the networks issue; it re-exports the tensor library it is built on.
public enum PlexusNN {
    /// The library's version, shown by `plexus --version`.
    public static let version = "0.1.0"
}
