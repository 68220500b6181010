/// Shape kernels: permuting axes, concatenating, slicing, splitting and padding. Each moves whole
/// contiguous rows where it can; permute falls back to a tiled transpose when the innermost
/// dimension changes.

/// The side of the square tiles a permute moves at a time: 32 x 32 floats (4 KB) on each side
/// stay in L1 while one side is read along rows and the other written along rows.
let permuteTile = 32

/// Checks that `axes` (negative allowed) is a permutation of `0..<rank` and normalises it.
func validatePermutation(_ axes: [Int], shape: [Int], op: String) throws -> [Int] {
    let rank = shape.count
    guard axes.count == rank else {
        throw TensorError(op, "axes \(axes) must list each of the \(rank) dimensions of shape \(formatShape(shape)) once")
    }
    var seen = [Bool](repeating: false, count: rank)
    var perm: [Int] = []
    for axis in axes {
        let a = try normalizeAxis(axis, rank: rank, op: op, shape: shape)
        guard !seen[a] else {
            throw TensorError(op, "axes \(axes) name dimension \(a) twice; a permutation of shape \(formatShape(shape)) names each once")
        }
        seen[a] = true
        perm.append(a)
    }
    return perm
}

extension Tensor {
    /// The transpose of a matrix (rank 2).
    ///
    /// - Throws: `TensorError` naming the shape when the rank is not 2 (use `permuted` then).
    public func transposed() throws -> Tensor {
        guard rank == 2 else {
            throw TensorError("transpose", "needs a matrix (rank 2), got shape \(formatShape(shape)); use permute for other ranks")
        }
        return try permuted([1, 0])
    }

    /// The axes reordered: dimension `i` of the result is dimension `axes[i]` of `self`
    /// (NumPy's `transpose(axes)`, PyTorch's `permute`; negative axes count from the end).
    ///
    /// `x.permuted([0, 3, 1, 2])` turns NHWC into NCHW. Dimensions that stay adjacent and in order
    /// move together, so that is a batch of (H*W, C) transposes done in cache-sized tiles; when the
    /// innermost dimension stays put, rows are copied whole. A permutation that moves nothing
    /// (only size-1 dimensions change place) shares storage.
    ///
    /// - Throws: `TensorError` when `axes` is not a permutation of the dimensions.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        let perm = try validatePermutation(axes, shape: shape, op: "permute")
        let outShape = perm.map { shape[$0] }
        let inStrides = contiguousStrides(shape)
        // The result's dimensions, each with the input stride it reads along: size-1 dimensions
        // dropped, a dimension merged into the one before it when the input holds them in order.
        var dims: [Int] = [], src: [Int] = []
        for p in perm where shape[p] != 1 {
            let d = shape[p], s = inStrides[p]
            if let last = src.last, last == s &* d {
                dims[dims.count - 1] &*= d
                src[src.count - 1] = s
            } else {
                dims.append(d)
                src.append(s)
            }
        }
        if count == 0 || dims.count <= 1 {
            return Tensor(shape: outShape, storage: storage)
        }
        let out = Tensor(uninitializedShape: outShape)
        let x = storage.base, o = out.storage.base
        let m = dims.count
        let dst = contiguousStrides(dims)
        if src[m - 1] == 1 {
            let inner = dims[m - 1]
            parallelFor(count / inner, grain: Swift.max(1, 32_768 / inner)) { range in
                forEachRow(of: dims, rows: range, stridesA: src, stridesB: dst) { a, b in
                    (o + b).update(from: x + a, count: inner)
                }
            }
            return out
        }
        // The innermost result dimension L reads with a stride; dimension J reads the input's
        // contiguous one. Every other dimension is an outer loop around a J x L transpose.
        assert(src.contains(1), "the smallest stride among dimensions > 1 is 1")  // invariant
        let j = src.firstIndex(of: 1) ?? 0
        let jSize = dims[j], jOut = dst[j]
        let lSize = dims[m - 1], lIn = src[m - 1]
        var outerDims: [Int] = [], outerSrc: [Int] = [], outerDst: [Int] = []
        for i in 0..<(m - 1) where i != j {
            outerDims.append(dims[i]); outerSrc.append(src[i]); outerDst.append(dst[i])
        }
        outerDims.append(1); outerSrc.append(0); outerDst.append(0)
        let outerCount = shapeElementCount(outerDims)
        let tile = permuteTile
        let jTiles = (jSize + tile - 1) / tile
        parallelFor(outerCount &* jTiles, grain: Swift.max(1, 32_768 / (tile &* lSize))) { range in
            for task in range {
                let (inBase, outBase) = rowOffsets(task / jTiles, shape: outerDims, stridesA: outerSrc, stridesB: outerDst)
                let j0 = (task % jTiles) &* tile, j1 = Swift.min(j0 &+ tile, jSize)
                var l0 = 0
                while l0 < lSize {
                    let l1 = Swift.min(l0 &+ tile, lSize)
                    var jj = j0
                    while jj < j1 {
                        let s = x + (inBase &+ jj)
                        let d = o + (outBase &+ jj &* jOut)
                        var l = l0
                        while l < l1 { d[l] = s[l &* lIn]; l &+= 1 }
                        jj &+= 1
                    }
                    l0 = l1
                }
            }
        }
        return out
    }

    /// Joins `tensors` along `axis` (negative counts from the end); every other dimension must
    /// match.
    ///
    /// - Throws: `TensorError` listing every shape when ranks or other dimensions differ.
    public static func concatenated(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError("concat", "needs at least one tensor")
        }
        let a = try normalizeAxis(axis, rank: first.rank, op: "concat", shape: first.shape)
        var outShape = first.shape
        outShape[a] = 0
        for t in tensors {
            var other = t.shape
            if other.count == outShape.count { other[a] = 0 }
            guard other == outShape else {
                let all = tensors.map { formatShape($0.shape) }.joined(separator: ", ")
                throw TensorError("concat", "shapes \(all) differ outside axis \(axis); all dimensions but the joined one must match")
            }
        }
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        try checkShape(outShape, op: "concat")
        let out = Tensor(uninitializedShape: outShape)
        let inner = shapeElementCount(Array(outShape[(a + 1)...]))
        let outer = shapeElementCount(Array(outShape[..<a]))
        let rowLength = outShape[a] &* inner
        let chunks = tensors.map { $0.shape[a] &* inner }
        let bases = tensors.map { UnsafePointer($0.storage.base) }
        let o = out.storage.base
        withExtendedLifetime(tensors) {
            parallelFor(outer, grain: Swift.max(1, 32_768 / Swift.max(rowLength, 1))) { range in
                for r in range {
                    var dst = o + r &* rowLength
                    for t in 0..<bases.count {
                        let n = chunks[t]
                        dst.update(from: bases[t] + r &* n, count: n)
                        dst += n
                    }
                }
            }
        }
        return out
    }

    /// The box of `sizes` starting at `starts`, one entry per dimension (TensorFlow's `tf.slice`);
    /// a size of -1 takes the rest of that dimension.
    ///
    /// - Throws: `TensorError` naming the shape when the box leaves the tensor.
    public func sliced(starts: [Int], sizes: [Int]) throws -> Tensor {
        let resolved = try resolveSlice(starts: starts, sizes: sizes)
        let out = Tensor(uninitializedShape: resolved)
        copyBox(from: self, at: starts, into: out, at: [Int](repeating: 0, count: rank), sizes: resolved)
        return out
    }

    /// Elements `range` along `axis` (negative counts from the end), everything along the others.
    ///
    /// - Throws: `TensorError` for a bad axis or a range outside the dimension.
    public func sliced(axis: Int, _ range: Range<Int>) throws -> Tensor {
        let (starts, sizes) = try sliceBox(axis: axis, range)
        return try sliced(starts: starts, sizes: sizes)
    }

    /// Cuts along `axis` into pieces of `sizes` (one of them may be -1: the rest), in order.
    ///
    /// - Throws: `TensorError` when the sizes do not add up to the dimension.
    public func split(axis: Int, sizes: [Int]) throws -> [Tensor] {
        let ranges = try splitRanges(axis: axis, sizes: sizes)
        return try ranges.map { try sliced(axis: axis, $0) }
    }

    /// `self` surrounded by `paddings[i].0` elements before and `paddings[i].1` after along each
    /// dimension `i`, filled with `value` (NumPy's `pad` in constant mode).
    ///
    /// - Throws: `TensorError` for a padding count that is negative or does not match the rank.
    public func padded(_ paddings: [(Int, Int)], value: Float = 0) throws -> Tensor {
        guard paddings.count == rank, paddings.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
            let shown = paddings.map { "(\($0.0), \($0.1))" }.joined(separator: ", ")
            throw TensorError("pad", "paddings [\(shown)] need one non-negative (before, after) pair per dimension of shape \(formatShape(shape))")
        }
        let limit = maximumTensorElements
        guard paddings.allSatisfy({ $0.0 <= limit && $0.1 <= limit }) else {
            throw TensorError("pad", "padding of shape \(formatShape(shape)) is too large to allocate")
        }
        let outShape = zip(shape, paddings).map { $0 + $1.0 + $1.1 }
        try checkShape(outShape, op: "pad")
        let out = Tensor(uninitializedShape: outShape)
        out.storage.base.initialize(repeating: value, count: Swift.max(out.count, 1))
        copyBox(from: self, at: [Int](repeating: 0, count: rank), into: out, at: paddings.map { $0.0 }, sizes: shape)
        return out
    }

    /// Validates a slice box and resolves its -1 sizes.
    func resolveSlice(starts: [Int], sizes: [Int]) throws -> [Int] {
        guard starts.count == rank, sizes.count == rank else {
            throw TensorError("slice", "starts \(starts) and sizes \(sizes) need one entry per dimension of shape \(formatShape(shape))")
        }
        var resolved = sizes
        for i in 0..<rank {
            let fits = starts[i] >= 0 && starts[i] <= shape[i]
            if fits && resolved[i] == -1 { resolved[i] = shape[i] - starts[i] }
            // Compared without adding: huge user sizes must not overflow.
            guard fits, resolved[i] >= 0, resolved[i] <= shape[i] - starts[i] else {
                throw TensorError("slice", "starts \(starts) with sizes \(sizes) leave shape \(formatShape(shape)) along dimension \(i)")
            }
        }
        return resolved
    }

    /// The `starts` and `sizes` of a slice along one axis.
    func sliceBox(axis: Int, _ range: Range<Int>) throws -> (starts: [Int], sizes: [Int]) {
        let a = try normalizeAxis(axis, rank: rank, op: "slice", shape: shape)
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            throw TensorError("slice", "range \(range.lowerBound)..<\(range.upperBound) is outside dimension \(a) of shape \(formatShape(shape)) (size \(shape[a]))")
        }
        var starts = [Int](repeating: 0, count: rank)
        var sizes = shape
        starts[a] = range.lowerBound
        sizes[a] = range.count
        return (starts, sizes)
    }

    /// The ranges along `axis` that `sizes` cut it into.
    func splitRanges(axis: Int, sizes: [Int]) throws -> [Range<Int>] {
        let a = try normalizeAxis(axis, rank: rank, op: "split", shape: shape)
        let dim = shape[a]
        let unknown = sizes.filter { $0 == -1 }.count
        let known = sizes.filter { $0 != -1 }
        // Each size is at most `dim` before they are added, so the sum cannot overflow.
        guard unknown <= 1, known.allSatisfy({ $0 >= 0 && $0 <= dim }),
              unknown == 1 ? known.reduce(0, +) <= dim : known.reduce(0, +) == dim else {
            throw TensorError("split", "sizes \(sizes) do not add up to dimension \(a) of shape \(formatShape(shape)) (size \(dim)); one -1 may stand for the rest")
        }
        let rest = dim - known.reduce(0, +)
        var ranges: [Range<Int>] = []
        var lo = 0
        for s in sizes {
            let n = s == -1 ? rest : s
            ranges.append(lo..<(lo + n))
            lo += n
        }
        return ranges
    }
}

/// Copies the box of `sizes` at `srcStart` in `src` to `dstStart` in `dst`, a freshly created
/// tensor of the same rank: slice, pad, and their backward rules. Rows along the last dimension
/// move whole.
func copyBox(from src: Tensor, at srcStart: [Int], into dst: Tensor, at dstStart: [Int], sizes: [Int]) {
    let total = shapeElementCount(sizes)
    guard total > 0 else { return }
    let s = src.storage.base, d = dst.storage.base
    guard let inner = sizes.last else {
        d[0] = s[0]
        return
    }
    let ss = contiguousStrides(src.shape), ds = contiguousStrides(dst.shape)
    var sBase = 0, dBase = 0
    for i in 0..<sizes.count {
        sBase &+= srcStart[i] &* ss[i]
        dBase &+= dstStart[i] &* ds[i]
    }
    let sp = s + sBase, dp = d + dBase
    parallelFor(total / inner, grain: Swift.max(1, 32_768 / inner)) { range in
        forEachRow(of: sizes, rows: range, stridesA: ss, stridesB: ds) { a, b in
            (dp + b).update(from: sp + a, count: inner)
        }
    }
}
