/// Arithmetic in GF(2^8) over the QR Code field polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D),
/// through log and antilog tables.
enum GaloisField {
    /// `exponent[i]` is alpha^i; doubled in length so that a sum of two logs needs no modulo.
    static let exponent: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 512)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for i in 255..<512 { table[i] = table[i - 255] }
        return table
    }()

    /// `logarithm[x]` is i with alpha^i == x; `logarithm[0]` is unused (zero has no logarithm).
    static let logarithm: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exponent[i])] = i }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exponent[logarithm[Int(a)] + logarithm[Int(b)]]
    }
}

/// Reed-Solomon error correction codewords as the QR Code uses them: the remainder of the
/// data polynomial times x^n divided by the generator (x - alpha^0)(x - alpha^1)...(x - alpha^(n-1)).
enum ReedSolomon {
    /// The generator polynomial of degree `degree`, highest power first, its leading 1 included.
    static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for i in 0..<degree {
            // Multiply by (x + alpha^i); in GF(2^8) subtraction is addition.
            let root = GaloisField.exponent[i]
            var next = [UInt8](repeating: 0, count: polynomial.count + 1)
            for (j, coefficient) in polynomial.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= GaloisField.multiply(coefficient, root)
            }
            polynomial = next
        }
        return polynomial
    }

    /// The `degree` error correction codewords that follow `data` in its block.
    static func correction(for data: [UInt8], degree: Int) -> [UInt8] {
        let divisor = generator(degree: degree)
        var remainder = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for i in 0..<degree {
                remainder[i] ^= GaloisField.multiply(divisor[i + 1], factor)
            }
        }
        return remainder
    }
}
