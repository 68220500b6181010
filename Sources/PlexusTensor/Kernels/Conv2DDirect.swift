// Direct loops for the two convolutions a GEMM serves badly, both in a hypernetwork's step; each
// forward pass sits beside its gradients.
//
// Per-sample kernels with few channels (a 1-channel image convolved with its own 8 generated 3x3
// filters): through im2col each sample would be a GEMM with K = 9 and N = 8, through the depthwise
// loop one scalar multiply-add chain per tap. Here a block of eight output channels lives in one
// SIMD register per output pixel: one broadcast multiply-add per tap and input channel, the
// padding handled by clipping the tap ranges once per pixel rather than testing every tap.
//
// One output channel (an 8-channel map reduced to 1): im2col would write the whole column matrix
// for a GEMM with N = 1. In NHWC the taps of one kernel row and their input channels are adjacent
// both in the input and in the HWIO kernel, so each output pixel is `kh` dot products of
// contiguous stretches, eight lanes at a time.

/// The taps `0..<taps` of one kernel axis whose input position `start + t * dilation` lies in
/// `0..<size`.
@inline(__always)
func validTaps(start: Int, dilation: Int, size: Int, taps: Int) -> Range<Int> {
    let lo = start >= 0 ? 0 : (dilation &- 1 &- start) / dilation
    let hi = start >= size ? 0 : Swift.min(taps, (size &- 1 &- start) / dilation &+ 1)
    return lo..<Swift.max(lo, hi)
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

@inline(__always)
private func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}

extension ConvGeometry {
    /// Whether a per-sample convolution of this batch-1 geometry runs the direct kernel: whole
    /// blocks of eight output channels, and few enough channels that a GEMM per sample is thin.
    var perSampleDirect: Bool {
        groups == 1 && outChannels % 8 == 0 && inChannels &* outChannels <= 128
    }
}

// MARK: - Per-sample kernels, eight output channels per register

/// `y[n] = conv(x[n], w[n])` for `samples` samples of the batch-1 geometry `g`
/// (`g.perSampleDirect`); output rows split across the cores.
func perSampleDirectForward(_ g: ConvGeometry, samples: Int, input x: UnsafePointer<Float>,
                            kernels w: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>) {
    let h = g.height, wd = g.width, cin = g.inChannels, cout = g.outChannels
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dil = g.dilationW, pt = g.padTop, pl = g.padLeft
    let rowWork = Swift.max(wo &* kh &* kw &* cin &* cout, 1)
    parallelFor(samples &* ho, grain: Swift.max(1, convParallelGrain / rowWork)) { range in
        for r in range {
            let n = r / ho, oh = r &- n &* ho
            let image = x + n &* g.inputCount, kernel = w + n &* g.kernelCount
            let ih0 = oh &* sh &- pt
            let rowTaps = validTaps(start: ih0, dilation: dh, size: h, taps: kh)
            for ow in 0..<wo {
                let iw0 = ow &* sw &- pl
                let colTaps = validTaps(start: iw0, dilation: dil, size: wd, taps: kw)
                let o = y + (r &* wo &+ ow) &* cout
                var b = 0
                while b < cout {
                    var acc = Float8()
                    for ki in rowTaps {
                        let row = image + (ih0 &+ ki &* dh) &* wd &* cin
                        for kj in colTaps {
                            let xp = row + (iw0 &+ kj &* dil) &* cin
                            let wp = kernel + ((ki &* kw &+ kj) &* cin &* cout &+ b)
                            for c in 0..<cin { acc += xp[c] * load8(wp + c &* cout) }
                        }
                    }
                    store8(acc, o + b)
                    b &+= 8
                }
            }
        }
    }
}

/// The gradients of `perSampleDirectForward` from the output gradient `dy`: the images' into
/// `dx` and the kernels' into `dw` when given (both overwritten). Each sample has its own image
/// and kernel, so samples split across the cores with nothing shared.
func perSampleDirectGradients(_ g: ConvGeometry, samples: Int, input x: UnsafePointer<Float>,
                              kernels w: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                              inputGradient dx: UnsafeMutablePointer<Float>?,
                              kernelGradient dw: UnsafeMutablePointer<Float>?) {
    let h = g.height, wd = g.width, cin = g.inChannels, cout = g.outChannels
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dil = g.dilationW, pt = g.padTop, pl = g.padLeft
    let sampleWork = Swift.max(g.outputCount &* kh &* kw &* cin, 1)
    parallelFor(samples, grain: Swift.max(1, convParallelGrain / sampleWork)) { range in
        for n in range {
            let image = x + n &* g.inputCount, kernel = w + n &* g.kernelCount
            let gradOut = dy + n &* g.outputCount
            let dImage = dx.map { $0 + n &* g.inputCount }, dKernel = dw.map { $0 + n &* g.kernelCount }
            dImage?.update(repeating: 0, count: g.inputCount)
            dKernel?.update(repeating: 0, count: g.kernelCount)
            for oh in 0..<ho {
                let ih0 = oh &* sh &- pt
                let rowTaps = validTaps(start: ih0, dilation: dh, size: h, taps: kh)
                for ow in 0..<wo {
                    let iw0 = ow &* sw &- pl
                    let colTaps = validTaps(start: iw0, dilation: dil, size: wd, taps: kw)
                    let gp = gradOut + (oh &* wo &+ ow) &* cout
                    for ki in rowTaps {
                        for kj in colTaps {
                            let pixel = ((ih0 &+ ki &* dh) &* wd &+ iw0 &+ kj &* dil) &* cin
                            let tap = (ki &* kw &+ kj) &* cin &* cout
                            for c in 0..<cin {
                                let at = tap &+ c &* cout
                                if let dKernel {
                                    let xv = image[pixel &+ c]
                                    var b = 0
                                    while b < cout {
                                        store8(load8(dKernel + (at &+ b)) + xv * load8(gp + b), dKernel + (at &+ b))
                                        b &+= 8
                                    }
                                }
                                if let dImage {
                                    var s = Float8()
                                    var b = 0
                                    while b < cout {
                                        s += load8(gp + b) * load8(kernel + (at &+ b))
                                        b &+= 8
                                    }
                                    dImage[pixel &+ c] += s.sum()
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

// MARK: - One output channel, dot products along kernel rows

/// `acc += a[0..<count] . b[0..<count]`, eight lanes at a time (the tail into `tail`).
@inline(__always)
private func dotAccumulate(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                           into acc: inout Float8, tail: inout Float) {
    var i = 0
    while i &+ 8 <= count {
        acc += load8(a + i) * load8(b + i)
        i &+= 8
    }
    while i < count {
        tail += a[i] * b[i]
        i &+= 1
    }
}

/// `y = conv(x, w)` for geometry `g` (`g.path == .singleOutput`); output rows split across cores.
func singleOutputForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, kernel w: UnsafePointer<Float>,
                         output y: UnsafeMutablePointer<Float>) {
    let h = g.height, wd = g.width, cin = g.inChannels
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, pt = g.padTop, pl = g.padLeft
    let rowWork = Swift.max(wo &* kh &* kw &* cin, 1)
    parallelFor(g.batch &* ho, grain: Swift.max(1, convParallelGrain / rowWork)) { range in
        for r in range {
            let n = r / ho, oh = r &- n &* ho
            let image = x + n &* h &* wd &* cin
            let ih0 = oh &* sh &- pt
            let rowTaps = validTaps(start: ih0, dilation: dh, size: h, taps: kh)
            for ow in 0..<wo {
                let iw0 = ow &* sw &- pl
                let colTaps = validTaps(start: iw0, dilation: 1, size: wd, taps: kw)
                let stretch = colTaps.count &* cin
                var acc = Float8(), tail: Float = 0
                for ki in rowTaps {
                    dotAccumulate(image + ((ih0 &+ ki &* dh) &* wd &+ iw0 &+ colTaps.lowerBound) &* cin,
                                  w + (ki &* kw &+ colTaps.lowerBound) &* cin, count: stretch, into: &acc, tail: &tail)
                }
                y[r &* wo &+ ow] = acc.sum() + tail
            }
        }
    }
}

/// The gradients of `singleOutputForward` from `dy`: the input's into `dx` when given (needs
/// `w`), the kernel's into `dw` when given (needs `x`); both overwritten. Samples split across
/// the cores (each writes only its own image's gradient); each core sums the kernel gradient of
/// its samples privately, the sums added at the end.
func singleOutputGradients(_ g: ConvGeometry, input x: UnsafePointer<Float>?, kernel w: UnsafePointer<Float>?,
                           outputGradient dy: UnsafePointer<Float>,
                           inputGradient dx: UnsafeMutablePointer<Float>?, kernelGradient dwOut: UnsafeMutablePointer<Float>?) {
    let h = g.height, wd = g.width, cin = g.inChannels
    let ho = g.outHeight, wo = g.outWidth, kh = g.kernelHeight, kw = g.kernelWidth
    let sh = g.strideH, sw = g.strideW, dh = g.dilationH, pt = g.padTop, pl = g.padLeft
    let dx = w == nil ? nil : dx, dwOut = x == nil ? nil : dwOut
    guard dx != nil || dwOut != nil else { return }
    let taps = g.kernelCount, imageCount = h &* wd &* cin
    let work = g.outputCount &* kh &* kw &* cin
    let chunks = Swift.max(1, Swift.min(kernelThreadCount, Swift.min(g.batch, work / convParallelGrain)))
    let per = g.batch == 0 ? 0 : (g.batch &+ chunks &- 1) / chunks
    withScratch(chunks &* taps) { partials in
        partials.update(repeating: 0, count: chunks &* taps)
        parallelFor(chunks, grain: 1) { chunkRange in
            for chunk in chunkRange {
                let acc = partials + chunk &* taps
                let lo = chunk &* per, hi = Swift.min(g.batch, lo &+ per)
                guard lo < hi else { continue }
                for n in lo..<hi {
                    let dImage = dx.map { $0 + n &* imageCount }
                    dImage?.update(repeating: 0, count: imageCount)
                    for oh in 0..<ho {
                        let ih0 = oh &* sh &- pt
                        let rowTaps = validTaps(start: ih0, dilation: dh, size: h, taps: kh)
                        for ow in 0..<wo {
                            let iw0 = ow &* sw &- pl
                            let colTaps = validTaps(start: iw0, dilation: 1, size: wd, taps: kw)
                            let stretch = colTaps.count &* cin
                            let gv = dy[(n &* ho &+ oh) &* wo &+ ow]
                            for ki in rowTaps {
                                let at = ((ih0 &+ ki &* dh) &* wd &+ iw0 &+ colTaps.lowerBound) &* cin
                                let tap = (ki &* kw &+ colTaps.lowerBound) &* cin
                                if let dImage, let w { multiplyAdd(gv, w + tap, into: dImage + at, count: stretch) }
                                if dwOut != nil, let x {
                                    multiplyAdd(gv, x + (n &* imageCount &+ at), into: acc + tap, count: stretch)
                                }
                            }
                        }
                    }
                }
            }
        }
        if let dwOut {
            dwOut.update(from: partials, count: taps)
            for chunk in 1..<chunks {
                let p = partials + chunk &* taps
                for i in 0..<taps { dwOut[i] += p[i] }
            }
        }
    }
}
