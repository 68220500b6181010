/// A tensor seen as (outer, size, inner) around one axis: the view every per-axis kernel
/// (softmax, layer normalisation) walks. Lane `g` of the `outer * inner` lanes starts at
/// `start(g)` and its `size` elements follow every `inner`.
struct AxisLayout {
    let outer: Int, size: Int, inner: Int

    /// For an axis already in 0..<rank.
    init(_ shape: [Int], axis: Int) {
        outer = shapeElementCount(Array(shape[..<axis]))
        size = shape[axis]
        inner = shapeElementCount(Array(shape[(axis + 1)...]))
    }

    /// For a possibly negative axis, checked against the shape.
    init(_ shape: [Int], axis: Int, op: String) throws {
        self.init(shape, axis: try normalizeAxis(axis, rank: shape.count, op: op, shape: shape))
    }

    /// The number of lanes.
    var groups: Int { outer &* inner }

    /// Lanes per parallel chunk so that one chunk is about 32K elements.
    var grain: Int { Swift.max(1, 32_768 / Swift.max(size &* inner, 1)) }

    /// The flat index of element 0 of lane `g`.
    @inline(__always) func start(_ g: Int) -> Int {
        let o = g / inner
        return o &* size &* inner &+ (g &- o &* inner)
    }
}
