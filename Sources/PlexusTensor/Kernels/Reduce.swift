/// How a reduction walks its input: dimensions of size 1 dropped and adjacent kept or reduced
/// dimensions merged, so that "mean over H and W" of an NHWC tensor is a (N, H*W, C) walk with one
/// reduced run, and "sum over the last axis" is a walk over contiguous rows.
struct ReductionPlan {
    /// The result's shape with every reduced axis kept as 1 (`keepDims: true`).
    let keptShape: [Int]
    /// The result's shape as asked: reduced axes dropped unless `keepDims`.
    let outputShape: [Int]
    /// The merged dimensions of the walk and whether each one is reduced.
    let dims: [Int]
    let reduced: [Bool]
    /// Strides of the merged dimensions in the input and in the result (0 along reduced ones).
    let inStrides: [Int]
    let outStrides: [Int]
    /// Input elements that fold into each result element, and result elements.
    let reducedCount: Int
    let outputCount: Int

    /// Plans a reduction of `shape` over `axes` (negative allowed; `nil` or empty: every axis).
    ///
    /// - Throws: `TensorError` for an axis out of range or named twice.
    init(shape: [Int], axes: [Int]?, keepDims: Bool, op: String) throws {
        let rank = shape.count
        var isReduced = [Bool](repeating: axes?.isEmpty ?? true, count: rank)
        if let axes, !axes.isEmpty {
            for axis in axes {
                let a = try normalizeAxis(axis, rank: rank, op: op, shape: shape)
                guard !isReduced[a] else {
                    throw TensorError(op, "axes \(axes) name dimension \(a) twice (shape \(formatShape(shape)))")
                }
                isReduced[a] = true
            }
        }
        var kept = shape
        var output: [Int] = []
        var reducedCount = 1, outputCount = 1
        var dims: [Int] = [], reduced: [Bool] = []
        for i in 0..<rank {
            let d = shape[i]
            if isReduced[i] {
                kept[i] = 1
                reducedCount &*= d
                if keepDims { output.append(1) }
            } else {
                output.append(d)
                outputCount &*= d
            }
            guard d != 1 else { continue }
            if let last = reduced.last, last == isReduced[i] {
                dims[dims.count - 1] &*= d
            } else {
                dims.append(d)
                reduced.append(isReduced[i])
            }
        }
        if dims.isEmpty { dims = [1]; reduced = [false] }
        var outStrides = [Int](repeating: 0, count: dims.count)
        var s = 1
        for i in stride(from: dims.count - 1, through: 0, by: -1) where !reduced[i] {
            outStrides[i] = s
            s &*= dims[i]
        }
        self.keptShape = kept
        self.outputShape = output
        self.dims = dims
        self.reduced = reduced
        self.inStrides = contiguousStrides(dims)
        self.outStrides = outStrides
        self.reducedCount = reducedCount
        self.outputCount = outputCount
    }

    /// Whether the outermost merged dimension is kept: then chunks of it write disjoint results and
    /// the walk can be split across cores without private accumulators.
    var splitsOverKeptOuter: Bool { dims.count >= 2 && !reduced[0] }
}

/// The sum of `count` floats in Double, over four independent accumulators so that the adds
/// overlap instead of waiting on each other.
@inlinable
func doubleSum(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var i = 0
    while i &+ 4 <= count {
        s0 += Double(x[i]); s1 += Double(x[i &+ 1]); s2 += Double(x[i &+ 2]); s3 += Double(x[i &+ 3])
        i &+= 4
    }
    while i < count { s0 += Double(x[i]); i &+= 1 }
    return (s0 + s1) + (s2 + s3)
}

extension Tensor {
    /// The sum of every element, as a rank-0 tensor.
    ///
    /// Accumulated in Double, so the sum of a million Float32 values keeps Float32 precision
    /// (a running Float sum of a million 0.1s is off in the second digit).
    public func sum() -> Tensor {
        Tensor(scalar: Float(elementSum()))
    }

    /// The mean of every element, as a rank-0 tensor (NaN for an empty tensor, as NumPy).
    public func mean() -> Tensor {
        Tensor(scalar: Float(elementSum() / Double(count)))
    }

    /// Sums over `axes` (negative counts from the end; `nil` or empty: all of them).
    ///
    /// `keepDims` keeps each reduced axis as a 1, so the result broadcasts against the input
    /// (`x - x.sum(axes: [-1], keepDims: true)`). Accumulated in Double.
    ///
    /// - Throws: `TensorError` for an axis out of range or named twice.
    public func sum(axes: [Int]?, keepDims: Bool = false) throws -> Tensor {
        let plan = try ReductionPlan(shape: shape, axes: axes, keepDims: keepDims, op: "sum")
        return reducedSum(plan, scale: 1)
    }

    /// Means over `axes` (negative counts from the end; `nil` or empty: all of them).
    ///
    /// The mean of zero elements is NaN, as in NumPy and PyTorch.
    ///
    /// - Throws: `TensorError` for an axis out of range or named twice.
    public func mean(axes: [Int]?, keepDims: Bool = false) throws -> Tensor {
        let plan = try ReductionPlan(shape: shape, axes: axes, keepDims: keepDims, op: "mean")
        return reducedSum(plan, scale: 1 / Double(plan.reducedCount))
    }

    /// The largest element over `axes` (negative counts from the end; `nil` or empty: all).
    ///
    /// A NaN anywhere in a reduced run makes that result NaN, as in NumPy. Inside an extension of
    /// `Tensor` this method hides the global `max(_:_:)`: write `Swift.max(a, b)` there.
    ///
    /// - Throws: `TensorError` for a bad axis, or for a max over an empty run (it has no value).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let plan = try ReductionPlan(shape: shape, axes: axes, keepDims: keepDims, op: "max")
        return try maxWithArgmax(plan).values
    }

    /// The sum of every element in Double: chunks summed on both cores, then added in order.
    func elementSum() -> Double {
        let n = count
        let x = storage.base
        let chunks = Swift.max(1, Swift.min(kernelThreadCount, n / 65_536))
        var partial = [Double](repeating: 0, count: chunks)
        let per = (n + chunks - 1) / chunks
        partial.withUnsafeMutableBufferPointer { p in
            let acc = p.baseAddress! // invariant: chunks >= 1, so the buffer is non-empty
            parallelFor(chunks, grain: 1) { range in
                for c in range {
                    let lo = Swift.min(n, c &* per), hi = Swift.min(n, lo &+ per)
                    acc[c] = doubleSum(x + lo, count: hi &- lo)
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// The sums of `plan`'s runs times `scale`, shaped as the plan's output.
    func reducedSum(_ plan: ReductionPlan, scale: Double) -> Tensor {
        let out = Tensor(uninitializedShape: plan.outputShape)
        let o = out.storage.base
        if plan.dims.count == 1 && plan.reduced[0] {
            o[0] = Float(elementSum() * scale)
            return out
        }
        let acc = accumulatedSums(plan)
        for i in 0..<plan.outputCount { o[i] = Float(acc[i] * scale) }
        return out
    }

    /// The Double sums of `plan`'s runs, one per result element.
    ///
    /// Split across cores over the outer kept dimension when there is one (each chunk owns its
    /// results); over the outer reduced dimension otherwise (each chunk sums into a private row of
    /// partial results, added afterwards), which is the bias gradient's sum over the batch.
    func accumulatedSums(_ plan: ReductionPlan) -> [Double] {
        let outCount = plan.outputCount
        var acc = [Double](repeating: 0, count: Swift.max(outCount, 1))
        guard count > 0 else { return acc }
        let x = storage.base
        let dims = plan.dims, inS = plan.inStrides, outS = plan.outStrides
        let inner = dims[dims.count - 1]
        let innerReduced = plan.reduced[dims.count - 1]
        let rows = count / inner
        // Adds the rows `range` of the walk into `sums`.
        let addRows = { (sums: UnsafeMutablePointer<Double>, range: Range<Int>) in
            forEachRow(of: dims, rows: range, stridesA: inS, stridesB: outS) { a, r in
                let src = x + a
                if innerReduced {
                    sums[r] += doubleSum(src, count: inner)
                } else {
                    let dst = sums + r
                    var j = 0
                    while j < inner { dst[j] += Double(src[j]); j &+= 1 }
                }
            }
        }
        let outer = dims[0]
        let rowsPerOuter = dims.count >= 2 ? rows / outer : rows
        let outerWork = count / outer
        if plan.splitsOverKeptOuter {
            acc.withUnsafeMutableBufferPointer { p in
                let sums = p.baseAddress! // invariant: acc has at least one element
                parallelFor(outer, grain: Swift.max(1, 32_768 / Swift.max(outerWork, 1))) { r in
                    addRows(sums, (r.lowerBound &* rowsPerOuter)..<(r.upperBound &* rowsPerOuter))
                }
            }
            return acc
        }
        let chunks = dims.count >= 2 ? Swift.min(kernelThreadCount, outer, count / 65_536) : 1
        if chunks <= 1 {
            acc.withUnsafeMutableBufferPointer { p in
                addRows(p.baseAddress!, 0..<rows) // invariant: acc has at least one element
            }
            return acc
        }
        var partial = [Double](repeating: 0, count: chunks &* outCount)
        let per = (outer + chunks - 1) / chunks
        partial.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress! // invariant: chunks >= 2 and outCount >= 1 here
            parallelFor(chunks, grain: 1) { range in
                for c in range {
                    let lo = Swift.min(outer, c &* per), hi = Swift.min(outer, lo &+ per)
                    addRows(base + c &* outCount, (lo &* rowsPerOuter)..<(hi &* rowsPerOuter))
                }
            }
        }
        for c in 0..<chunks {
            for i in 0..<outCount { acc[i] += partial[c &* outCount &+ i] }
        }
        return acc
    }

    /// The maxima of `plan`'s runs and the flat input index each came from.
    ///
    /// Ties go to the first element in row-major order (the lowest flat index), like NumPy's
    /// `argmax`; a NaN beats every number, and the first NaN of a run wins.
    func maxWithArgmax(_ plan: ReductionPlan) throws -> (values: Tensor, argmax: [Int]) {
        let outCount = plan.outputCount
        guard plan.reducedCount > 0 || outCount == 0 else {
            throw TensorError("max", "cannot take the max of zero elements (shape \(formatShape(shape)), result \(formatShape(plan.outputShape)))")
        }
        let out = Tensor(uninitializedShape: plan.outputShape)
        var argmax = [Int](repeating: -1, count: Swift.max(outCount, 1))
        guard count > 0 else { return (out, Array(argmax.prefix(outCount))) }
        let x = storage.base, best = out.storage.base
        let dims = plan.dims, inS = plan.inStrides, outS = plan.outStrides
        let inner = dims[dims.count - 1]
        let innerReduced = plan.reduced[dims.count - 1]
        let rows = count / inner
        argmax.withUnsafeMutableBufferPointer { p in
            let idx = p.baseAddress! // invariant: argmax has at least one element
            let visit = { (range: Range<Int>) in
                forEachRow(of: dims, rows: range, stridesA: inS, stridesB: outS) { a, r in
                    let src = x + a
                    if innerReduced {
                        var bv = src[0], bi = 0
                        var j = 1
                        while j < inner {
                            let v = src[j]
                            if v > bv || (v != v && bv == bv) { bv = v; bi = j }
                            j &+= 1
                        }
                        let cur = best[r]
                        if idx[r] < 0 || bv > cur || (bv != bv && cur == cur) { best[r] = bv; idx[r] = a &+ bi }
                    } else {
                        var j = 0
                        while j < inner {
                            let v = src[j], k = r &+ j, cur = best[k]
                            if idx[k] < 0 || v > cur || (v != v && cur == cur) { best[k] = v; idx[k] = a &+ j }
                            j &+= 1
                        }
                    }
                }
            }
            if plan.splitsOverKeptOuter {
                let outer = dims[0], rowsPerOuter = rows / dims[0]
                parallelFor(outer, grain: Swift.max(1, 32_768 / Swift.max(count / outer, 1))) { r in
                    visit((r.lowerBound &* rowsPerOuter)..<(r.upperBound &* rowsPerOuter))
                }
            } else {
                visit(0..<rows)
            }
        }
        return (out, Array(argmax.prefix(outCount)))
    }

    /// Spreads `self` (a reduction's result in either of its shapes) back over the input shape of
    /// `plan`, times `scale`: the backward rule of sum and mean.
    func spreadOverReduced(_ plan: ReductionPlan, inputShape: [Int], scale: Float) -> Tensor {
        let out = Tensor(uninitializedShape: inputShape)
        let n = out.count
        guard n > 0 else { return out }
        let g = storage.base, o = out.storage.base
        let dims = plan.dims, inS = plan.inStrides, outS = plan.outStrides
        let inner = dims[dims.count - 1]
        let innerReduced = plan.reduced[dims.count - 1]
        parallelFor(n / inner, grain: Swift.max(1, 32_768 / inner)) { range in
            forEachRow(of: dims, rows: range, stridesA: inS, stridesB: outS) { a, r in
                let dst = o + a
                if innerReduced {
                    dst.update(repeating: g[r] * scale, count: inner)
                } else {
                    let src = g + r
                    var j = 0
                    while j < inner { dst[j] = src[j] * scale; j &+= 1 }
                }
            }
        }
        return out
    }
}

extension Tensor {
    /// The sum of the squares of the elements, accumulated in Double: a gradient's squared norm
    /// for clipping and reports.
    public func sumOfSquares() -> Double {
        withUnsafeBufferPointer { b in
            var s: Double = 0
            for x in b { let d = Double(x); s += d * d }
            return s
        }
    }

    /// The first element that is NaN or infinite (its flat index and value), or `nil`.
    public var firstNonFinite: (index: Int, value: Float)? {
        withUnsafeBufferPointer { p in
            for i in p.indices where !p[i].isFinite { return (i, p[i]) }
            return nil
        }
    }
}
