import Testing
import Ember

/// `channelShuffle` and `ChannelShuffle` against `torch.nn.functional.channel_shuffle`.
struct ChannelShuffleTests {
    @Test func channelsAreReadOutColumnByColumn() {
        // torch.nn.functional.channel_shuffle(torch.arange(12.).view(1, 6, 2, 1), 3)
        let x = Tensor(shape: [1, 6, 2, 1], scalars: (0..<12).map(Float.init))
        let y = channelShuffle(x, groups: 3)
        #expect(y.shape == [1, 6, 2, 1])
        #expect(y.toArray() == [0, 1, 4, 5, 8, 9, 2, 3, 6, 7, 10, 11])
        #expect(ChannelShuffle(groups: 3)(x).toArray() == y.toArray())
        // Any rank from 3 up: [N, C, L].
        #expect(channelShuffle(Tensor(shape: [1, 4, 1], scalars: [0, 1, 2, 3]), groups: 2).toArray() == [0, 2, 1, 3])
    }

    @Test func oneGroupOrOneChannelPerGroupLeavesTheOrder() {
        let x = Tensor.randn([2, 4, 3, 3])
        #expect(channelShuffle(x, groups: 1).toArray() == x.toArray())
        #expect(channelShuffle(x, groups: 4).toArray() == x.toArray())
    }

    @Test func theGradientIsShuffledBack() {
        // Shuffling C channels in g groups is undone by shuffling them in C / g groups.
        let x = Tensor.randn([2, 6, 2, 2], requiresGrad: true)
        let w = Tensor.randn([2, 6, 2, 2])
        (channelShuffle(x, groups: 2) * w).sum().backward()
        #expect(x.grad!.toArray() == channelShuffle(w, groups: 3).toArray())
    }

    @Test func printsLikePyTorch() {
        #expect(ChannelShuffle(groups: 3).description == "ChannelShuffle(groups=3)")
    }
}
