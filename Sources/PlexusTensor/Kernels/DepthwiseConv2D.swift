// Depthwise convolution (groups == Cin) as direct loops. As a GEMM it would have K = kh * kw (9 for
// a 3x3 kernel) and N = mult (often 1): far too thin for BLAS to reach the machine's speed, while
// the direct loop runs along contiguous channels. Output channel c * mult + j reads input channel c
// through kernel column c * mult + j of the (kh, kw, 1, Cin * mult) kernel.

/// `y = depthwise(x, w) + bias`, then `epilogue` when given, for geometry `g` (`g.path ==
/// .depthwise`); output rows split across cores, each finished (bias, epilogue) while in cache.
func depthwiseForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, kernel w: UnsafePointer<Float>,
                      bias: UnsafePointer<Float>? = nil, epilogue: ChannelEpilogue? = nil,
                      output y: UnsafeMutablePointer<Float>) {
    let h = g.height, wd = g.width, cin = g.inChannels, cout = g.outChannels, mult = cout / cin
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dw = g.dilationW, pt = g.padTop, pl = g.padLeft
    let rowWork = Swift.max(wo &* kh &* kw &* cout, 1)
    let interior = g.depthwise3x3Interior
    parallelFor(g.batch &* ho, grain: Swift.max(1, convParallelGrain / rowWork)) { range in
        // The taps inside the image for one output pixel: input and kernel rows, in tap order.
        let tapX = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: Swift.max(kh &* kw, 1))
        let tapW = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: Swift.max(kh &* kw, 1))
        defer { tapX.deallocate(); tapW.deallocate() }
        for r in range {
            let n = r / ho, oh = r &- n &* ho
            let image = x + n &* h &* wd &* cin
            if !interior.isEmpty {
                func inputRow(_ ki: Int) -> UnsafePointer<Float>? {
                    let ih = oh &* sh &- pt &+ ki &* dh
                    return ih >= 0 && ih < h ? image + ih &* wd &* cin : nil
                }
                depthwise3x3Row(inputRow(0), inputRow(1), inputRow(2), kernel: w, channels: cin, columns: interior,
                                strideW: sw, padLeft: pl, into: y + r &* wo &* cout)
            }
            for ow in 0..<wo where !interior.contains(ow) {
                let o = y + (r &* wo &+ ow) &* cout
                if mult == 1 {
                    var taps = 0
                    for ki in 0..<kh {
                        let ih = oh &* sh &- pt &+ ki &* dh
                        guard ih >= 0, ih < h else { continue }
                        for kj in 0..<kw {
                            let iw = ow &* sw &- pl &+ kj &* dw
                            guard iw >= 0, iw < wd else { continue }
                            tapX[taps] = image + (ih &* wd &+ iw) &* cin
                            tapW[taps] = w + (ki &* kw &+ kj) &* cout
                            taps &+= 1
                        }
                    }
                    depthwisePixel(taps: taps, x: tapX, w: tapW, channels: cin, into: o)
                    continue
                }
                o.update(repeating: 0, count: cout)
                for ki in 0..<kh {
                    let ih = oh &* sh &- pt &+ ki &* dh
                    guard ih >= 0, ih < h else { continue }
                    for kj in 0..<kw {
                        let iw = ow &* sw &- pl &+ kj &* dw
                        guard iw >= 0, iw < wd else { continue }
                        let xp = image + (ih &* wd &+ iw) &* cin
                        let wp = w + (ki &* kw &+ kj) &* cout
                        for c in 0..<cin {
                            let base = c &* mult
                            multiplyAdd(xp[c], wp + base, into: o + base, count: mult)
                        }
                    }
                }
            }
            let row = y + r &* wo &* cout
            if let bias { for p in 0..<wo { let o = row + p &* cout; for c in 0..<cout { o[c] += bias[c] } } }
            epilogue?.apply(row, rows: wo)
        }
    }
}

extension ConvGeometry {
    /// The output columns of a 3x3, multiplier-1, undilated-across depthwise convolution whose
    /// three column taps all lie inside the image: `depthwise3x3Row` computes them, the general
    /// per-pixel loop the rest (the padded edges). Empty for every other depthwise geometry.
    var depthwise3x3Interior: Range<Int> {
        guard kernelHeight == 3, kernelWidth == 3, dilationW == 1, outChannels == inChannels,
              width >= 3 else { return 0..<0 }
        let lo = Swift.min((padLeft &+ strideW &- 1) / strideW, outWidth)
        let hi = Swift.min((width &- 3 &+ padLeft) / strideW &+ 1, outWidth)
        return lo..<Swift.max(lo, hi)
    }
}

/// The interior columns of one output row of a 3x3 depthwise convolution with multiplier 1:
/// eight channels at a time, their nine kernel taps held in registers across the whole row, so
/// each output vector costs nine loads and nine multiply-adds (the per-pixel loop rebuilds its
/// tap lists for every pixel). `row0...row2` are the input rows under the kernel's three rows, nil
/// where a row lies in the padding. The taps are summed in the per-pixel loop's order, so the
/// results are the same to the bit.
private func depthwise3x3Row(_ row0: UnsafePointer<Float>?, _ row1: UnsafePointer<Float>?, _ row2: UnsafePointer<Float>?,
                             kernel w: UnsafePointer<Float>, channels cin: Int, columns: Range<Int>,
                             strideW sw: Int, padLeft pl: Int, into out: UnsafeMutablePointer<Float>) {
    typealias Lanes = SIMD8<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    let c2 = cin &* 2
    var c = 0
    while c &+ Lanes.scalarCount <= cin {
        let w0 = load(w + c), w1 = load(w + (cin &+ c)), w2 = load(w + (c2 &+ c))
        let w3 = load(w + (3 &* cin &+ c)), w4 = load(w + (4 &* cin &+ c)), w5 = load(w + (5 &* cin &+ c))
        let w6 = load(w + (6 &* cin &+ c)), w7 = load(w + (7 &* cin &+ c)), w8 = load(w + (8 &* cin &+ c))
        for ow in columns {
            let at = (ow &* sw &- pl) &* cin &+ c
            var acc = Lanes()
            if let p = row0 { acc += load(p + at) * w0; acc += load(p + (at &+ cin)) * w1; acc += load(p + (at &+ c2)) * w2 }
            if let p = row1 { acc += load(p + at) * w3; acc += load(p + (at &+ cin)) * w4; acc += load(p + (at &+ c2)) * w5 }
            if let p = row2 { acc += load(p + at) * w6; acc += load(p + (at &+ cin)) * w7; acc += load(p + (at &+ c2)) * w8 }
            UnsafeMutableRawPointer(out + (ow &* cin &+ c)).storeBytes(of: acc, as: Lanes.self)
        }
        c &+= Lanes.scalarCount
    }
    while c < cin {
        for ow in columns {
            let at = (ow &* sw &- pl) &* cin &+ c
            var acc: Float = 0
            if let p = row0 { acc += p[at] * w[c]; acc += p[at &+ cin] * w[cin &+ c]; acc += p[at &+ c2] * w[c2 &+ c] }
            if let p = row1 { acc += p[at] * w[3 &* cin &+ c]; acc += p[at &+ cin] * w[4 &* cin &+ c]; acc += p[at &+ c2] * w[5 &* cin &+ c] }
            if let p = row2 { acc += p[at] * w[6 &* cin &+ c]; acc += p[at &+ cin] * w[7 &* cin &+ c]; acc += p[at &+ c2] * w[8 &* cin &+ c] }
            out[ow &* cin &+ c] = acc
        }
        c &+= 1
    }
}

/// One output pixel of a depthwise convolution with depth multiplier 1: `o[c]` is the sum over
/// the taps of `x[t][c] * w[t][c]`, sixteen channels at a time summed in registers and stored once
/// (the loop it replaces read and wrote the output row once per tap). The sum runs in tap order,
/// as before, so the results are the same to the bit.
@inline(__always)
private func depthwisePixel(taps: Int, x: UnsafePointer<UnsafePointer<Float>>, w: UnsafePointer<UnsafePointer<Float>>,
                            channels: Int, into o: UnsafeMutablePointer<Float>) {
    typealias Lanes = SIMD16<Float>
    var c = 0
    while c &+ Lanes.scalarCount <= channels {
        var acc = Lanes()
        for t in 0..<taps {
            acc += UnsafeRawPointer(x[t] + c).loadUnaligned(as: Lanes.self) * UnsafeRawPointer(w[t] + c).loadUnaligned(as: Lanes.self)
        }
        UnsafeMutableRawPointer(o + c).storeBytes(of: acc, as: Lanes.self)
        c &+= Lanes.scalarCount
    }
    while c < channels {
        var acc: Float = 0
        for t in 0..<taps { acc += x[t][c] * w[t][c] }
        o[c] = acc
        c &+= 1
    }
}

/// The input gradient `dx` (overwritten) of a depthwise convolution from its output gradient `dy`.
///
/// A gather over input rows, like `col2im`: each input pixel sums the outputs that read it, so
/// rows split across the cores without two threads writing one element.
func depthwiseInputGradient(_ g: ConvGeometry, outputGradient dy: UnsafePointer<Float>, kernel w: UnsafePointer<Float>,
                            inputGradient dx: UnsafeMutablePointer<Float>) {
    let h = g.height, wd = g.width, cin = g.inChannels, cout = g.outChannels, mult = cout / cin
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dw = g.dilationW, pt = g.padTop, pl = g.padLeft
    let rowWork = Swift.max(wd &* kh &* kw &* cout, 1)
    parallelFor(g.batch &* h, grain: Swift.max(1, convParallelGrain / rowWork)) { range in
        for r in range {
            let n = r / h, ih = r &- n &* h
            let dxRow = dx + r &* wd &* cin
            dxRow.update(repeating: 0, count: wd &* cin)
            for ki in 0..<kh {
                let th = ih &+ pt &- ki &* dh
                guard th >= 0, th % sh == 0, th / sh < ho else { continue }
                let dyRow = dy + (n &* ho &+ th / sh) &* wo &* cout
                for iw in 0..<wd {
                    let d = dxRow + iw &* cin
                    for kj in 0..<kw {
                        let tw = iw &+ pl &- kj &* dw
                        guard tw >= 0, tw % sw == 0, tw / sw < wo else { continue }
                        let gp = dyRow + (tw / sw) &* cout
                        let wp = w + (ki &* kw &+ kj) &* cout
                        if mult == 1 {
                            for c in 0..<cin { d[c] += gp[c] * wp[c] }
                        } else {
                            for c in 0..<cin {
                                let base = c &* mult
                                var s: Float = 0
                                for j in 0..<mult { s += gp[base &+ j] * wp[base &+ j] }
                                d[c] += s
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The kernel gradient `dw` (overwritten) of a depthwise convolution: for every tap, the sum over
/// all output pixels of input times output gradient.
///
/// Each core sums its share of output rows into a private copy of the (small) kernel gradient;
/// the copies are added at the end.
func depthwiseKernelGradient(_ g: ConvGeometry, input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                             kernelGradient dwOut: UnsafeMutablePointer<Float>) {
    let h = g.height, wd = g.width, cin = g.inChannels, cout = g.outChannels, mult = cout / cin
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dw = g.dilationW, pt = g.padTop, pl = g.padLeft
    let rows = g.batch &* ho
    let taps = g.kernelCount
    let work = rows &* wo &* kh &* kw &* cout
    let chunks = Swift.max(1, Swift.min(kernelThreadCount, Swift.min(rows, work / convParallelGrain)))
    let per = rows == 0 ? 0 : (rows &+ chunks &- 1) / chunks
    withScratch(chunks &* taps) { partials in
        partials.update(repeating: 0, count: chunks &* taps)
        parallelFor(chunks, grain: 1) { chunkRange in
            for chunk in chunkRange {
                let acc = partials + chunk &* taps
                let lo = chunk &* per, hi = Swift.min(rows, lo &+ per)
                guard lo < hi else { continue }
                for r in lo..<hi {
                    let n = r / ho, oh = r &- n &* ho
                    let image = x + n &* h &* wd &* cin
                    for ow in 0..<wo {
                        let gp = dy + (r &* wo &+ ow) &* cout
                        for ki in 0..<kh {
                            let ih = oh &* sh &- pt &+ ki &* dh
                            guard ih >= 0, ih < h else { continue }
                            for kj in 0..<kw {
                                let iw = ow &* sw &- pl &+ kj &* dw
                                guard iw >= 0, iw < wd else { continue }
                                let xp = image + (ih &* wd &+ iw) &* cin
                                let ap = acc + (ki &* kw &+ kj) &* cout
                                if mult == 1 {
                                    for c in 0..<cin { ap[c] += xp[c] * gp[c] }
                                } else {
                                    for c in 0..<cin {
                                        let base = c &* mult
                                        multiplyAdd(xp[c], gp + base, into: ap + base, count: mult)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        dwOut.update(from: partials, count: taps)
        for chunk in 1..<Swift.max(chunks, 1) {
            let p = partials + chunk &* taps
            for i in 0..<taps { dwOut[i] += p[i] }
        }
    }
}

/// `y[0..<count] += a * x[0..<count]`, eight lanes at a time: the inner loop of a depthwise
/// convolution with a channel multiplier (a hypernetwork's 1-channel image with 8 generated
/// filters), which the compiler does not vectorise itself because `x` and `y` might alias.
@inline(__always)
func multiplyAdd(_ a: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    let av = SIMD8<Float>(repeating: a)
    while j &+ 8 <= count {
        let xv = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
        let yp = UnsafeMutableRawPointer(y + j)
        yp.storeBytes(of: yp.loadUnaligned(as: SIMD8<Float>.self) + av * xv, as: SIMD8<Float>.self)
        j &+= 8
    }
    while j < count {
        y[j] += a * x[j]
        j &+= 1
    }
}
