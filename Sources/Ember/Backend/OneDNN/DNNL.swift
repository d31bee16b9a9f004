import CDNNL
import Foundation

// oneDNN's C API is spoken only in this folder (Backend/OneDNN): matrix products (GEMM),
// convolutions (ConvolutionPrimitives) and the plumbing they share, here.

/// A float32 buffer as oneDNN sees it: the tensor that owns the memory and the layout of
/// its elements (plain NCHW for Ember tensors, a blocked layout such as `nChw16c` for
/// oneDNN's intermediate copies).
struct LaidOutTensor: @unchecked Sendable {
    let storage: Tensor
    let layout: dnnl_memory_desc_t
}

/// A built primitive and its descriptor. Scratch memory is passed in by each call, so one
/// primitive may run on several threads at once.
struct DNNLPrimitive: @unchecked Sendable {
    let descriptor: OpaquePointer
    let primitive: OpaquePointer

    /// Builds the primitive for `operation` (an op descriptor, e.g. `dnnl_convolution_desc_t`),
    /// with `hint` the forward primitive's descriptor when this is a backward pass.
    init(_ operation: UnsafeRawPointer, hint: OpaquePointer?, _ what: String) {
        var attributes: OpaquePointer?
        DNNL.check(dnnl_primitive_attr_create(&attributes), what)
        defer { dnnl_primitive_attr_destroy(attributes) }
        DNNL.check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), what)
        var pd: OpaquePointer?
        DNNL.check(dnnl_primitive_desc_create(&pd, operation, attributes, DNNL.engine, hint), what)
        var p: OpaquePointer?
        DNNL.check(dnnl_primitive_create(&p, pd), what)
        descriptor = pd!
        primitive = p!
    }

    /// Frees the primitive and its descriptor (its geometry left the cache, or lost a race).
    func destroy() {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }

    func layout(_ query: dnnl_query_t) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(descriptor, query, 0).pointee
    }

    func execute(_ arguments: [(Int32, LaidOutTensor)]) {
        let scratch = layout(dnnl_query_scratchpad_md)
        let all = arguments + (dnnl_memory_desc_get_size([scratch]) > 0
            ? [(DNNL_ARG_SCRATCHPAD, DNNL.output(scratch))] : [])
        DNNL.run(primitive, all)
    }
}

/// oneDNN's engine and stream, memory objects and reorders.
enum DNNL {
    nonisolated(unsafe) static let engine: OpaquePointer = {
        var engine: OpaquePointer?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0), "CPU engine")
        return engine!
    }()

    /// Each thread runs primitives on a stream of its own: oneDNN does not promise that
    /// one stream serves several threads at once.
    private static let streamKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { stream in dnnl_stream_destroy(OpaquePointer(stream)) }
        return key
    }()

    private static var stream: OpaquePointer {
        if let existing = pthread_getspecific(streamKey) { return OpaquePointer(existing) }
        var stream: OpaquePointer?
        check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "CPU stream")
        pthread_setspecific(streamKey, UnsafeRawPointer(stream))
        return stream!
    }

    static func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
        precondition(status == dnnl_success, "oneDNN failed (status \(status.rawValue)) to set up \(what())")
    }

    static func layout(_ dims: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
        var desc = dnnl_memory_desc_t()
        check(dnnl_memory_desc_init_by_tag(&desc, Int32(dims.count), dims.map(Int64.init), dnnl_f32, tag),
              "a memory layout of size \(dims)")
        return desc
    }

    static func dims(_ layout: dnnl_memory_desc_t) -> [Int] {
        withUnsafeBytes(of: layout.dims) { raw in
            Array(raw.bindMemory(to: Int64.self).prefix(Int(layout.ndims)).map(Int.init))
        }
    }

    /// A buffer from Ember's cache laid out as `layout` (blocked layouts pad the channels to
    /// a multiple of the block).
    static func output(_ layout: dnnl_memory_desc_t) -> LaidOutTensor {
        let bytes = dnnl_memory_desc_get_size([layout])
        return LaidOutTensor(storage: Tensor(uninitialized: [(bytes + 3) / 4]), layout: layout)
    }

    static func run(_ primitive: OpaquePointer, _ arguments: [(Int32, LaidOutTensor)]) {
        var memories: [dnnl_exec_arg_t] = []
        defer { for m in memories { dnnl_memory_destroy(m.memory) } }
        for (argument, tensor) in arguments {
            var memory: OpaquePointer?
            var layout = tensor.layout
            check(dnnl_memory_create(&memory, &layout, engine, tensor.storage.floatPointer), "a memory object")
            memories.append(dnnl_exec_arg_t(arg: argument, memory: memory))
        }
        let status = dnnl_primitive_execute(primitive, stream, Int32(memories.count), memories)
        precondition(status == dnnl_success, "oneDNN primitive failed with status \(status.rawValue)")
    }

    /// A new reorder primitive from `from` to `to`.
    static func reorder(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t) -> OpaquePointer {
        var from = from, to = to
        var pd: OpaquePointer?
        check(dnnl_reorder_primitive_desc_create(&pd, &from, engine, &to, engine, nil), "a reorder of size \(dims(from))")
        defer { dnnl_primitive_desc_destroy(pd) }
        var primitive: OpaquePointer?
        check(dnnl_primitive_create(&primitive, pd), "a reorder of size \(dims(from))")
        return primitive!
    }
}
