/// The offsets of row `row` (a flat index over every dimension of `shape` but the last) in two
/// arrays laid out with `stridesA` and `stridesB`: one division per dimension.
@inlinable
func rowOffsets(_ row: Int, shape: [Int], stridesA: [Int], stridesB: [Int]) -> (Int, Int) {
    var r = row
    var a = 0, b = 0
    var d = shape.count - 2
    while d >= 0 {
        let n = shape[d]
        let i = r % n
        r /= n
        a &+= i &* stridesA[d]
        b &+= i &* stridesB[d]
        d -= 1
    }
    return (a, b)
}

/// Visits the rows `rows` of an iteration over `shape` (every dimension but the last, row-major),
/// giving `body` each row's offset in two arrays laid out with `stridesA` and `stridesB`.
///
/// Kernels that move whole rows (a slice, a pad, a reduction whose last dimension is contiguous)
/// call this once per chunk of a `parallelFor`: the first row costs a division per dimension, the
/// rest advance like an odometer with additions only. `body` runs once per row, never per element.
@inlinable
func forEachRow(of shape: [Int], rows: Range<Int>, stridesA: [Int], stridesB: [Int],
                _ body: (_ offsetA: Int, _ offsetB: Int) -> Void) {
    let outer = shape.count - 1
    guard outer > 0 else {
        for _ in rows { body(0, 0) }
        return
    }
    var (a, b) = rowOffsets(rows.lowerBound, shape: shape, stridesA: stridesA, stridesB: stridesB)
    var index = [Int](repeating: 0, count: outer)
    var r = rows.lowerBound
    for d in stride(from: outer - 1, through: 0, by: -1) {
        index[d] = r % shape[d]
        r /= shape[d]
    }
    for _ in rows {
        body(a, b)
        var d = outer - 1
        while d >= 0 {
            index[d] &+= 1
            a &+= stridesA[d]
            b &+= stridesB[d]
            if index[d] < shape[d] { break }
            a &-= stridesA[d] &* shape[d]
            b &-= stridesB[d] &* shape[d]
            index[d] = 0
            d -= 1
        }
    }
}
