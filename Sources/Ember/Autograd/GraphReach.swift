extension Tensor {
    /// For each of `leaves`, whether a backward pass from this tensor would reach it: a walk
    /// of the recorded graph (`grad_fn` and its `next_functions`), as
    /// `DistributedDataParallel(find_unused_parameters=True)` does after each forward to
    /// learn which parameters the output does not depend on. Runs nothing.
    public func reachesLeaves(_ leaves: [Tensor]) -> [Bool] {
        var position: [ObjectIdentifier: [Int]] = [:]
        for (i, leaf) in leaves.enumerated() { position[ObjectIdentifier(leaf.impl), default: []].append(i) }
        var reached = [Bool](repeating: false, count: leaves.count)
        guard let root = impl.gradFn else {
            if requiresGrad { for i in position[ObjectIdentifier(impl)] ?? [] { reached[i] = true } }
            return reached
        }
        var stack = [root]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        while let node = stack.popLast() {
            for edge in node.edges {
                switch edge {
                case .node(let next)?:
                    if seen.insert(ObjectIdentifier(next)).inserted { stack.append(next) }
                case .leaf(let leaf)?:
                    for i in position[ObjectIdentifier(leaf)] ?? [] { reached[i] = true }
                case nil:
                    break
                }
            }
        }
        return reached
    }
}
