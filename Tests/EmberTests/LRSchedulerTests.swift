import Foundation
import Synchronization
import Testing
@testable import Ember

/// A scheduler configuration of `generate_optim.py`: its optimizer is SGD over two
/// one-element parameters in groups with lr 0.1 and 0.01.
struct SchedulerCase: Sendable, CustomStringConvertible {
    /// An epoch scheduler, or ReduceLROnPlateau fed the fixture's metrics.
    enum Kind {
        case epoch(LRScheduler)
        case plateau(ReduceLROnPlateau)
    }

    let name: String
    let make: @Sendable (Optimizer) -> Kind

    var description: String { name }

    static let epochs = 30

    static func optimizer() -> Optimizer {
        SGD([ParamGroup(params: [Tensor.zeros([1], requiresGrad: true)]),
             ParamGroup(params: [Tensor.zeros([1], requiresGrad: true)], lr: 0.01)], lr: 0.1)
    }

    /// PyTorch's learning rates after construction (row 0) and after each epoch.
    var expected: Tensor { Fixtures.optim["\(name).lrs"]! }

    /// One epoch: the optimizer steps, then the scheduler.
    func epoch(_ e: Int, _ optimizer: Optimizer, _ scheduler: Kind) {
        optimizer.step()
        switch scheduler {
        case .epoch(let s): s.step()
        case .plateau(let s): s.step(Fixtures.optim["\(name).metrics"]![e].item())
        }
    }

    func lastLR(_ scheduler: Kind) -> [Double] {
        switch scheduler {
        case .epoch(let s): s.getLastLR()
        case .plateau(let s): s.getLastLR()
        }
    }

    func stateDict(_ scheduler: Kind) -> [String: Tensor] {
        switch scheduler {
        case .epoch(let s): s.stateDict()
        case .plateau(let s): s.stateDict()
        }
    }

    func load(_ dict: [String: Tensor], into scheduler: Kind) throws {
        switch scheduler {
        case .epoch(let s): try s.loadStateDict(dict)
        case .plateau(let s): try s.loadStateDict(dict)
        }
    }

    func expectMatches(epoch e: Int, _ scheduler: Kind, sourceLocation: SourceLocation = #_sourceLocation) {
        let lrs = Tensor(shape: [2], scalars: lastLR(scheduler).map { Float($0) })
        expectClose(lrs, expected[e], rtol: 1e-5, atol: 0, "\(name) learning rates at epoch \(e)", sourceLocation: sourceLocation)
    }
}

let schedulerCases: [SchedulerCase] = [
    SchedulerCase(name: "steplr") { .epoch(StepLR($0, stepSize: 7, gamma: 0.1)) },
    SchedulerCase(name: "multisteplr") { .epoch(MultiStepLR($0, milestones: [5, 12, 12, 20], gamma: 0.5)) },
    SchedulerCase(name: "exponentiallr") { .epoch(ExponentialLR($0, gamma: 0.9)) },
    SchedulerCase(name: "cosine") { .epoch(CosineAnnealingLR($0, tMax: 10, etaMin: 0.001)) },
    SchedulerCase(name: "cosine_etamin0") { .epoch(CosineAnnealingLR($0, tMax: 7)) },
    SchedulerCase(name: "plateau_min_rel") {
        .plateau(ReduceLROnPlateau($0, mode: .min, factor: 0.5, patience: 2, threshold: 0.01, cooldown: 2, minLR: 0.02))
    },
    SchedulerCase(name: "plateau_max_abs") {
        .plateau(ReduceLROnPlateau($0, mode: .max, factor: 0.3, patience: 1, threshold: 0.01, thresholdMode: .abs, cooldown: 1))
    },
]

/// Collects the warnings emitted while `body` runs.
func capturingWarnings(_ body: () -> Void) -> [String] {
    let warnings = Mutex<[String]>([])
    UserWarning.$handler.withValue({ message in warnings.withLock { $0.append(message) } }) { body() }
    return warnings.withLock { $0 }
}

/// Learning-rate schedules against PyTorch's.
struct LRSchedulerTests {
    @Test(arguments: schedulerCases)
    func scheduleMatchesPyTorch(_ schedulerCase: SchedulerCase) {
        let optimizer = SchedulerCase.optimizer()
        let scheduler = schedulerCase.make(optimizer)
        schedulerCase.expectMatches(epoch: 0, scheduler)
        for e in 0..<SchedulerCase.epochs {
            schedulerCase.epoch(e, optimizer, scheduler)
            schedulerCase.expectMatches(epoch: e + 1, scheduler)
            #expect(optimizer.paramGroups.map(\.lr) == schedulerCase.lastLR(scheduler))
        }
    }

    /// Twelve epochs, optimizer and scheduler saved through safetensors and loaded into
    /// fresh ones, the remaining epochs: the same schedule as PyTorch's uninterrupted one.
    @Test(arguments: schedulerCases)
    func resumedScheduleMatchesPyTorch(_ schedulerCase: SchedulerCase) throws {
        let optimizer = SchedulerCase.optimizer()
        let scheduler = schedulerCase.make(optimizer)
        for e in 0..<12 { schedulerCase.epoch(e, optimizer, scheduler) }
        let savedOptimizer = try roundTripThroughSafeTensors(optimizer.stateDict())
        let savedScheduler = try roundTripThroughSafeTensors(schedulerCase.stateDict(scheduler))

        let newOptimizer = SchedulerCase.optimizer()
        let newScheduler = schedulerCase.make(newOptimizer)
        try newOptimizer.loadStateDict(savedOptimizer)
        try schedulerCase.load(savedScheduler, into: newScheduler)
        schedulerCase.expectMatches(epoch: 12, newScheduler)
        for e in 12..<SchedulerCase.epochs {
            schedulerCase.epoch(e, newOptimizer, newScheduler)
            schedulerCase.expectMatches(epoch: e + 1, newScheduler)
        }
    }

    @Test func constructionRecordsInitialLR() {
        let optimizer = SchedulerCase.optimizer()
        let first = StepLR(optimizer, stepSize: 2, gamma: 0.5)
        #expect(optimizer.paramGroups.map(\.initialLR) == [0.1, 0.01])
        #expect(first.baseLRs == [0.1, 0.01] && first.lastEpoch == 0)
        optimizer.step()
        first.step()
        first.step()
        // A second scheduler keeps the recorded initial_lr and starts from the current lr.
        let second = ExponentialLR(optimizer, gamma: 0.5)
        #expect(second.baseLRs == [0.1, 0.01])
        #expect(second.getLastLR() == [0.05, 0.005])
    }

    @Test func steppingBeforeTheOptimizerWarnsOnce() {
        let optimizer = SchedulerCase.optimizer()
        let scheduler = StepLR(optimizer, stepSize: 5)
        let warnings = capturingWarnings {
            scheduler.step()
            scheduler.step()
            optimizer.step()
            scheduler.step()
        }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("Detected call of `lr_scheduler.step()` before `optimizer.step()`.") == true)

        let inOrder = SchedulerCase.optimizer()
        let quiet = CosineAnnealingLR(inOrder, tMax: 3)
        let none = capturingWarnings {
            for _ in 0..<3 {
                inOrder.step()
                quiet.step()
            }
        }
        #expect(none.isEmpty)
    }

    @Test func loadingAStateDictForOtherGroupsThrows() {
        let scheduler = StepLR(SchedulerCase.optimizer(), stepSize: 3)
        let single = StepLR(SGD([Tensor.zeros([1], requiresGrad: true)]), stepSize: 3)
        #expect(throws: OptimizerStateError.shapeMismatch(key: "base_lrs", expected: [1], actual: [2])) {
            try single.loadStateDict(scheduler.stateDict())
        }
        var incomplete = scheduler.stateDict()
        incomplete["last_epoch"] = nil
        #expect(throws: OptimizerStateError.missingKey("last_epoch")) { try scheduler.loadStateDict(incomplete) }
        let plateau = ReduceLROnPlateau(SchedulerCase.optimizer())
        #expect(throws: OptimizerStateError.missingKey("best")) { try plateau.loadStateDict(scheduler.stateDict()) }
    }
}
