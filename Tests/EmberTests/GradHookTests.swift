import Testing
import Ember

/// `registerPostAccumulateGradHook`: when it runs, what it sees, and removal.
struct GradHookTests {
    /// A leaf used twice gets one call, after both contributions are in `.grad`.
    @Test func runsOnceAfterEveryContributionOfThePass() {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        var seen: [[Float]] = []
        x.registerPostAccumulateGradHook { seen.append($0.grad!.toArray()) }
        ((x * x).sum() + (x * 3).sum()).backward()
        #expect(seen == [[5, 7, 9]])
        (x * 2).sum().backward()
        #expect(seen == [[5, 7, 9], [7, 9, 11]])
    }

    /// Hooks run in the order backward finishes the leaves: the one nearest the loss first,
    /// while the rest of the graph still has work to do.
    @Test func runsAsEachLeafIsDoneNotAtTheEnd() {
        let w1 = Tensor([[1, 2], [3, 4]], requiresGrad: true)
        let w2 = Tensor([[1, 0], [0, 1]], requiresGrad: true)
        var order: [String] = []
        w1.registerPostAccumulateGradHook { _ in order.append("w1") }
        w2.registerPostAccumulateGradHook { t in
            order.append(w1.grad == nil ? "w2 (w1 pending)" : "w2")
            #expect(t.grad != nil)
        }
        let x = Tensor([[1, 1]])
        x.matmul(w1).relu().matmul(w2).sum().backward()
        #expect(order == ["w2 (w1 pending)", "w1"])
    }

    /// The hook may change the gradient in place; a removed hook no longer runs; a leaf that
    /// is itself the root also gets its call.
    @Test func canScaleTheGradientAndBeRemoved() {
        let x = Tensor([1, 2], requiresGrad: true)
        var calls = 0
        let handle = x.registerPostAccumulateGradHook { t in
            calls += 1
            var g = t.grad!
            withNoGrad { g *= 0.5 }
        }
        (x * 4).sum().backward()
        #expect(x.grad!.toArray() == [2, 2])
        handle.remove()
        (x * 4).sum().backward()
        #expect(x.grad!.toArray() == [6, 6])
        #expect(calls == 1)
        let leaf = Tensor(3, requiresGrad: true)
        leaf.registerPostAccumulateGradHook { _ in calls += 1 }
        leaf.backward()
        #expect(calls == 2)
    }

    /// A leaf that the loss does not reach gets no call.
    @Test func unusedLeafIsNotCalled() {
        let used = Tensor([1], requiresGrad: true)
        let unused = Tensor([1], requiresGrad: true)
        var called = false
        unused.registerPostAccumulateGradHook { _ in called = true }
        (used * 2).sum().backward()
        #expect(!called)
    }
}

/// `reachesLeaves`: which leaves a backward from a tensor would reach, and the order a
/// `Linear`'s gradients arrive in (PyTorch's: bias first).
struct GraphReachTests {
    @Test func findsTheLeavesTheGraphDependsOn() {
        let a = Tensor([1, 2], requiresGrad: true)
        let b = Tensor([3, 4], requiresGrad: true)
        let unused = Tensor([5], requiresGrad: true)
        let y = (a * 2 + b.sum()).sum()
        #expect(y.reachesLeaves([a, unused, b, a]) == [true, false, true, true])
        #expect(a.reachesLeaves([a, b]) == [true, false])
        let detached = withNoGrad { a * 2 }
        #expect(detached.reachesLeaves([a]) == [false])
    }

    @Test func linearBiasGradientArrivesBeforeTheWeight() {
        let layer = Linear(3, 2)
        var order: [String] = []
        layer.weight.registerPostAccumulateGradHook { _ in order.append("weight") }
        layer.bias!.registerPostAccumulateGradHook { _ in order.append("bias") }
        layer(Tensor.randn([4, 3])).sum().backward()
        #expect(order == ["bias", "weight"])
    }
}
