import CEmberKernels

/// Pixel buffers of whole photographs (hundreds of KiB each) are allocated and freed for
/// every image a pipeline decodes, resizes and crops. Above glibc's mmap threshold each
/// one would be mapped fresh and page-faulted in, then unmapped: a quarter of a data
/// loader's time. Pillow avoids it with a block arena of its own; the equivalent for Swift
/// arrays is to let glibc keep such blocks in its heaps, which this does once, before the
/// first image is decoded.
enum ImageMemory {
    static let configured: Bool = {
        ember_keep_large_blocks_in_heap(32 << 20, 64 << 20)
        return true
    }()
}
