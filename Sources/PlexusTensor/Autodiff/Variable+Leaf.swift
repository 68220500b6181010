extension Variable {
    /// Whether this variable was created directly (a weight or a constant) rather than computed by an op.
    ///
    /// Optimisers write only to leaves: writing into a computed variable's value would be undone by
    /// the next forward pass, so the caller learns of the mistake instead.
    public var isLeaf: Bool { backwardRule == nil }
}
