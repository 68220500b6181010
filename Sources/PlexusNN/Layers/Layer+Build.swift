extension Layer {
    /// Creates the weights for inputs of the given shapes without recording a call (Keras's
    /// `layer.build(input_shape)`), and returns the output shapes.
    ///
    /// Running a layer that was never applied to a symbolic tensor on concrete values needs its
    /// weights first, and those are shaped by the input (a Dense's kernel by the last axis). Building
    /// records no node, so the layer's call indices (`name[k][0]`) and the session's automatic
    /// names stay as they were. Give the batch size as `nil`: the weights never depend on it, and
    /// a later call is checked against the shapes built for.
    ///
    /// A built layer is not rebuilt: the shapes are checked against its weights instead.
    ///
    /// - Throws: `NetworkError` naming the layer, what it expects and the shapes received.
    @discardableResult
    public func build(for inputShapes: [[Int?]]) throws -> [[Int?]] {
        try checkedOutputShapes(inputShapes, building: true)
    }
}
