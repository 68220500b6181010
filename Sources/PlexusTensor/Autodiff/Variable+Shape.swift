// Shape ops. Each backward rule is the inverse movement: a reshape reshapes back, a permute
// applies the inverse permutation, a slice places its gradient into zeros, a pad slices it out.

extension Variable {
    /// The same elements with another shape; one dimension may be -1 (inferred).
    ///
    /// No copy: the result shares storage with `self` until either is written.
    ///
    /// - Throws: `TensorError` when the element counts differ.
    public func reshape(_ shape: [Int]) throws -> Variable {
        let inputShape = self.shape
        return Variable.record(try value.reshaped(to: shape), parents: [self], op: .reshape) { g in
            [try g.reshaped(to: inputShape)]
        }
    }

    /// The transpose of a matrix (rank 2).
    ///
    /// - Throws: `TensorError` when the rank is not 2.
    public func transpose() throws -> Variable {
        guard value.rank == 2 else {
            throw TensorError("transpose", "needs a matrix (rank 2), got shape \(formatShape(shape)); use permute for other ranks")
        }
        return try permute([1, 0])
    }

    /// The axes reordered: dimension `i` of the result is dimension `axes[i]` of `self`.
    ///
    /// `x.permute([0, 3, 1, 2])` turns NHWC into NCHW; the gradient is permuted back.
    ///
    /// - Throws: `TensorError` when `axes` is not a permutation of the dimensions.
    public func permute(_ axes: [Int]) throws -> Variable {
        let perm = try validatePermutation(axes, shape: shape, op: "permute")
        var inverse = perm
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return Variable.record(try value.permuted(perm), parents: [self], op: .permute) { g in
            [try g.permuted(inverse)]
        }
    }

    /// Elements `range` along `axis` (negative counts from the end), everything along the others.
    ///
    /// - Throws: `TensorError` for a bad axis or a range outside the dimension.
    public func slice(axis: Int, _ range: Range<Int>) throws -> Variable {
        let (starts, sizes) = try value.sliceBox(axis: axis, range)
        return try slice(starts: starts, sizes: sizes)
    }

    /// The box of `sizes` at `starts`, one entry per dimension (-1: the rest of that dimension).
    ///
    /// - Throws: `TensorError` naming the shape when the box leaves the tensor.
    public func slice(starts: [Int], sizes: [Int]) throws -> Variable {
        let out = try value.sliced(starts: starts, sizes: sizes)
        let inputShape = shape
        let zerosAt = [Int](repeating: 0, count: value.rank)
        return Variable.record(out, parents: [self], op: .slice) { g in
            let dx = try Tensor.zeros(inputShape)
            copyBox(from: g, at: zerosAt, into: dx, at: starts, sizes: g.shape)
            return [dx]
        }
    }

    /// Cuts along `axis` into pieces of `sizes` (one may be -1: the rest). Each piece is its own
    /// slice, so gradients from the pieces that are used add up and unused pieces give zeros.
    ///
    /// - Throws: `TensorError` when the sizes do not add up to the dimension.
    public func split(axis: Int, sizes: [Int]) throws -> [Variable] {
        try value.splitRanges(axis: axis, sizes: sizes).map { try slice(axis: axis, $0) }
    }

    /// `self` surrounded by `paddings[i].0` elements before and `paddings[i].1` after along each
    /// dimension `i`, filled with `value`. The padding gets no gradient.
    ///
    /// - Throws: `TensorError` for a negative padding or one pair per dimension missing.
    public func pad(_ paddings: [(Int, Int)], value fill: Float = 0) throws -> Variable {
        let out = try value.padded(paddings, value: fill)
        let starts = paddings.map { $0.0 }
        let sizes = shape
        return Variable.record(out, parents: [self], op: .pad) { g in
            [try g.sliced(starts: starts, sizes: sizes)]
        }
    }
}

/// Joins `xs` along `axis` (negative counts from the end, as Keras's `Concatenate`); all other
/// dimensions must match. Each input's gradient is its own piece of the result's gradient.
///
/// - Throws: `TensorError` listing every shape when they do not fit together.
public func concat(_ xs: [Variable], axis: Int) throws -> Variable {
    let out = try Tensor.concatenated(xs.map(\.value), axis: axis)
    let a = try normalizeAxis(axis, rank: out.rank, op: "concat", shape: out.shape)
    return Variable.record(out, parents: xs, op: .concat) { g in
        var lo = 0
        return try xs.map { x in
            let n = x.shape[a]
            defer { lo += n }
            return x.requiresGrad ? try g.sliced(axis: a, lo..<(lo + n)) : nil
        }
    }
}
