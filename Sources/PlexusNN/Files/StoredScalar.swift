/// The element types that data files store, and their conversion to Plexus's Float32.
///
/// NumPy, IDX and safetensors files store many element types; a `Tensor` holds Float32. Each loader
/// maps its file's type name to a `StoredScalar` and converts with `decodeScalars`, one tight loop
/// per type, so every format gets the same conversions (half precision, bfloat16, integers).
enum StoredScalar: Equatable {
    case float16, bfloat16, float32, float64
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64
    case bool

    /// Bytes per element.
    var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }
}

/// Converts `count` elements of `type` starting at `source` (any alignment) into Float32 at
/// `destination`. `bigEndian` is the byte order of the stored elements.
///
/// Integers wider than 24 bits and doubles round to the nearest Float32, as NumPy's `astype` does.
func decodeScalars(_ source: UnsafeRawPointer, count: Int, as type: StoredScalar, bigEndian: Bool,
                   into destination: UnsafeMutablePointer<Float>) {
    let swap = bigEndian != hostIsBigEndian
    let s = source, d = destination
    switch type {
    case .float32:
        for i in 0..<count {
            let bits = s.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
            d[i] = Float(bitPattern: swap ? bits.byteSwapped : bits)
        }
    case .float64:
        for i in 0..<count {
            let bits = s.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)
            d[i] = Float(Double(bitPattern: swap ? bits.byteSwapped : bits))
        }
    case .float16:
        for i in 0..<count {
            let bits = s.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
            d[i] = floatFromHalf(swap ? bits.byteSwapped : bits)
        }
    case .bfloat16:
        for i in 0..<count {
            let bits = s.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
            d[i] = Float(bitPattern: UInt32(swap ? bits.byteSwapped : bits) << 16)
        }
    case .uint8:
        let bytes = s.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { d[i] = Float(bytes[i]) }
    case .int8:
        let bytes = s.assumingMemoryBound(to: Int8.self)
        for i in 0..<count { d[i] = Float(bytes[i]) }
    case .bool:
        let bytes = s.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { d[i] = bytes[i] != 0 ? 1 : 0 }
    case .int16:
        for i in 0..<count {
            let v = s.loadUnaligned(fromByteOffset: i &* 2, as: Int16.self)
            d[i] = Float(swap ? v.byteSwapped : v)
        }
    case .uint16:
        for i in 0..<count {
            let v = s.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
            d[i] = Float(swap ? v.byteSwapped : v)
        }
    case .int32:
        for i in 0..<count {
            let v = s.loadUnaligned(fromByteOffset: i &* 4, as: Int32.self)
            d[i] = Float(swap ? v.byteSwapped : v)
        }
    case .uint32:
        for i in 0..<count {
            let v = s.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
            d[i] = Float(swap ? v.byteSwapped : v)
        }
    case .int64:
        for i in 0..<count {
            let v = s.loadUnaligned(fromByteOffset: i &* 8, as: Int64.self)
            d[i] = Float(swap ? v.byteSwapped : v)
        }
    case .uint64:
        for i in 0..<count {
            let v = s.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)
            d[i] = Float(swap ? v.byteSwapped : v)
        }
    }
}

/// True on a big-endian machine (none that Swift on Linux targets today, but the formats are
/// defined by byte order, not by the host's).
let hostIsBigEndian: Bool = 1.littleEndian != 1

/// IEEE half precision to Float32, exactly (every half is a float): subnormals, infinities and
/// NaN payloads included.
@inline(__always)
func floatFromHalf(_ h: UInt16) -> Float {
    let sign: UInt32 = UInt32(h & 0x8000) << 16
    let exponent = UInt32((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0 {
        let magnitude = Float(mantissa) * 0x1p-24
        return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
    return Float(bitPattern: sign | ((exponent &+ 112) << 23) | (mantissa << 13))
}
