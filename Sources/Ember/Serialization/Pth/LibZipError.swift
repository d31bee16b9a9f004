import CZip

/// libzip's error codes in words, for the messages of `PthError` and `SerializationError`.
enum LibZipError {
    /// What went wrong, said for a checkpoint's zip container; libzip's own text for codes
    /// a checkpoint rarely meets.
    static func describe(_ error: UnsafeMutablePointer<zip_error_t>) -> String {
        switch zip_error_code_zip(error) {
        case ZIP_ER_NOZIP: "no valid end-of-central-directory record, or a directory outside the file (truncated?)"
        case ZIP_ER_INCONS: "the end records, the central directory and the local headers disagree"
        case ZIP_ER_CRC: "CRC-32 mismatch"
        case ZIP_ER_EOF: "the file ends early"
        case ZIP_ER_MULTIDISK: "a multi-disk archive"
        case ZIP_ER_COMPNOTSUPP: "an unsupported compression method"
        case ZIP_ER_ENCRNOTSUPP, ZIP_ER_NOPASSWD: "an encrypted entry"
        case ZIP_ER_COMPRESSED_DATA, ZIP_ER_ZLIB: "invalid compressed data"
        case ZIP_ER_MEMORY: "out of memory"
        default: "libzip: \(String(cString: zip_error_strerror(error)))"
        }
    }

}
