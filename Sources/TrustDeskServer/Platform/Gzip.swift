import Foundation
import ZIPFoundation

/// gzip (RFC 1952) of a whole document, for bodies compressed once and served many times (the
/// status snapshot's JSON). The deflate stream comes from zlib through ZIPFoundation, which the
/// privacy exports already link; the 10-byte header and the CRC-32 and length trailer are
/// written here.
enum Gzip {
    static func compress(_ data: Data) throws -> Data {
        var deflated = Data()
        let crc = try Data.compress(size: Int64(data.count), bufferSize: 64 * 1024, provider: { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }, consumer: { chunk in
            deflated.append(chunk)
        })
        // Magic, deflate, no flags, no modification time, no extra flags, OS unknown.
        var gzip = Data([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff])
        gzip.append(deflated)
        for value in [crc, UInt32(truncatingIfNeeded: data.count)] {
            withUnsafeBytes(of: value.littleEndian) { gzip.append(contentsOf: $0) }
        }
        return gzip
    }
}
