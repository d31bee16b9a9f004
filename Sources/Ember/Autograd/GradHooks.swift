extension Tensor {
    /// Calls `hook` with this leaf tensor each time a backward pass has finished
    /// accumulating its gradient into `.grad` (`register_post_accumulate_grad_hook`): once
    /// per backward that reaches the tensor, after every contribution of that pass has been
    /// added, while the rest of the graph may still be running. The hook sees `.grad`
    /// already updated; it may read or change it in place. Until the returned handle's
    /// `remove()` is called.
    ///
    /// This is how `DistributedDataParallel` learns that a parameter's gradient is ready.
    @discardableResult
    public func registerPostAccumulateGradHook(_ hook: @escaping (Tensor) -> Void) -> HookHandle {
        precondition(isLeaf && requiresGrad,
                     "registerPostAccumulateGradHook: only leaf tensors that require grad can have this hook")
        let hooks = impl.gradHooks ?? GradHooks()
        impl.gradHooks = hooks
        let id = hooks.add(hook)
        return HookHandle { [weak hooks] in hooks?.remove(id: id) }
    }
}

/// The post-accumulate-grad hooks of one leaf; absent (nil on the tensor) until one is
/// registered, so the backward engine only counts edges into leaves that have them.
final class GradHooks {
    private var hooks: [(id: Int, hook: (Tensor) -> Void)] = []
    private var nextID = 0

    var isEmpty: Bool { hooks.isEmpty }

    func add(_ hook: @escaping (Tensor) -> Void) -> Int {
        nextID += 1
        hooks.append((nextID, hook))
        return nextID
    }

    func remove(id: Int) { hooks.removeAll { $0.id == id } }

    func run(_ tensor: Tensor) {
        for (_, hook) in hooks { hook(tensor) }
    }
}
