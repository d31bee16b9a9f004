extension Tensor {
    /// Computes gradients of this tensor with respect to every leaf that requires them and
    /// accumulates them into the leaves' `.grad`, like `tensor.backward()`.
    ///
    /// - Parameters:
    ///   - gradient: the gradient of some scalar with respect to this tensor; may be
    ///     omitted only for single-element tensors (it is then 1).
    ///   - retainGraph: keep the graph's saved tensors so backward can run through it again.
    ///   - createGraph: record the backward computation itself, for higher-order gradients.
    ///
    /// Inside `withDetectAnomaly` (or with `Tensor.isAnomalyEnabled` set) the gradients
    /// each op's backward produces are checked, and the first NaN or infinity stops the
    /// program with a message naming the op.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false, createGraph: Bool = false) {
        do {
            try runBackward(gradient: gradient, retainGraph: retainGraph, createGraph: createGraph,
                            detectAnomaly: AnomalyMode.isEnabled)
        } catch {
            preconditionFailure("backward (detect anomaly): \(error)")
        }
    }

    func runBackward(gradient: Tensor?, retainGraph: Bool, createGraph: Bool, detectAnomaly: Bool) throws(AnomalyError) {
        precondition(
            requiresGrad,
            "backward: element 0 of tensors does not require grad and does not have a grad_fn")
        let seed: Tensor
        if let gradient {
            precondition(
                gradient.shape == shape,
                "backward: gradient has shape \(gradient.shape) but the tensor has shape \(shape)")
            seed = gradient
        } else {
            precondition(
                numel == 1,
                "backward: grad can be implicitly created only for scalar outputs (got a tensor of shape \(shape)); pass gradient:")
            seed = Tensor.onesLike(self)
        }
        try GradMode.with(enabled: createGraph) { () throws(AnomalyError) in
            try Autograd.run(root: self, seed: seed, retainGraph: retainGraph || createGraph, detectAnomaly: detectAnomaly)
        }
    }
}

/// The reverse-mode engine: walks the graph from the root in dependency order.
enum Autograd {
    /// With `detectAnomaly`, each node's gradients are checked before they are passed on.
    static func run(root: Tensor, seed: Tensor, retainGraph: Bool, detectAnomaly: Bool) throws(AnomalyError) {
        guard let rootNode = root.impl.gradFn else {
            accumulate(seed, into: root.impl)
            root.impl.gradHooks?.run(root)
            return
        }
        // Count, for every node, how many graph edges point at it, so a node runs only
        // once all of its output's gradient contributions have arrived.
        // Leaves with post-accumulate-grad hooks are counted the same way, so their hooks
        // run once their last contribution of this pass is in.
        var pending: [ObjectIdentifier: Int] = [:]
        var hookedLeafPending: [ObjectIdentifier: Int] = [:]
        var stack = [rootNode]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(rootNode)]
        while let node = stack.popLast() {
            for edge in node.edges {
                switch edge {
                case .node(let next)?:
                    let id = ObjectIdentifier(next)
                    pending[id, default: 0] += 1
                    if seen.insert(id).inserted { stack.append(next) }
                case .leaf(let impl)?:
                    if let hooks = impl.gradHooks, !hooks.isEmpty {
                        hookedLeafPending[ObjectIdentifier(impl), default: 0] += 1
                    }
                case nil:
                    break
                }
            }
        }

        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(rootNode): seed]
        var ready = [rootNode]
        while let node = ready.popLast() {
            let id = ObjectIdentifier(node)
            guard let gradOutput = grads.removeValue(forKey: id) else { continue }
            if let retained = node.retainedOutput {
                retained.grad = retained.grad.map { $0 + gradOutput } ?? gradOutput.contiguous()
            }
            guard let backward = node.backward else {
                preconditionFailure(
                    "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call backward(). Specify retainGraph: true if you need to backward through the graph a second time.")
            }
            var inputGrads = backward(gradOutput)
            if !retainGraph { node.backward = nil }
            precondition(inputGrads.count == node.edges.count, "\(node.name) returned \(inputGrads.count) gradients for \(node.edges.count) inputs")
            if detectAnomaly {
                // Only gradients that flow on: PyTorch does not compute the others at all.
                for (i, grad) in inputGrads.enumerated() where node.edges[i] != nil {
                    if let grad { try AnomalyMode.check(grad, of: node, output: i) }
                }
            }
            for (i, edge) in node.edges.enumerated() {
                guard let edge else { continue }
                // Taken out of the array, so that a leaf can own a gradient nothing else holds.
                let grad = inputGrads[i].take()
                switch edge {
                case .leaf(let impl):
                    if let grad { accumulate(grad, into: impl) }
                    if let hooks = impl.gradHooks, let count = hookedLeafPending[ObjectIdentifier(impl)] {
                        hookedLeafPending[ObjectIdentifier(impl)] = count - 1
                        if count == 1, impl.grad != nil { hooks.run(Tensor(impl: impl)) }
                    }
                case .node(let next):
                    let nextID = ObjectIdentifier(next)
                    if let grad {
                        grads[nextID] = grads[nextID].map { $0 + grad } ?? grad
                    }
                    pending[nextID]! -= 1
                    if pending[nextID] == 0 { ready.append(next) }
                }
            }
        }
    }

    /// Adds `grad` into a leaf's `.grad`. `.grad` may later be changed in place, so the first
    /// gradient becomes `.grad` itself only when nothing else can see its memory (a fresh
    /// result, as most are); one that may be shared (it flows to several inputs, a backward
    /// function kept it, the caller passed it) is stored as a private copy.
    static func accumulate(_ grad: consuming Tensor, into impl: TensorImpl) {
        precondition(
            grad.shape == impl.shape,
            "autograd: gradient of shape \(grad.shape) for a leaf of shape \(impl.shape)")
        if let existing = impl.grad {
            impl.grad = existing + grad
            return
        }
        var owned = (consume grad).impl
        let isPrivate = isKnownUniquelyReferenced(&owned) && isKnownUniquelyReferenced(&owned.storage)
            && owned.isContiguous && owned.gradFn == nil && !owned.requiresGrad
        impl.grad = isPrivate ? Tensor(impl: owned) : Tensor(impl: owned).clone()
    }
}
