import Foundation

/// Loads a fixed list of batches on background threads, ahead of the consumer but at most
/// `capacity` batches beyond the one it waits for, and hands them over in list order; a
/// batch whose loading threw is handed over as that error, in its place.
///
/// The iterator owns this object; the worker threads only share `PrefetchQueue`, so when
/// the iterator goes away (end of loop, `break`) `deinit` can stop and join them.
final class BatchPrefetcher<Batch> {
    let queue: PrefetchQueue<Batch>

    init(batches: [[Int]], load: @escaping @Sendable ([Int]) throws -> Batch, workers: Int, capacity: Int) {
        queue = PrefetchQueue(batches: batches, load: load, workers: workers, capacity: capacity)
        for worker in 0..<workers {
            let thread = Thread { [queue] in queue.work() }
            thread.name = "Ember DataLoader worker \(worker)"
            thread.start()
        }
    }

    func next() -> Result<Batch, any Error>? { queue.next() }

    deinit { queue.stop() }
}

/// The state the consumer and the workers share, guarded by one condition variable.
final class PrefetchQueue<Batch>: @unchecked Sendable {
    private let condition = NSCondition()
    private let batches: [[Int]]
    private let load: @Sendable ([Int]) throws -> Batch
    private let capacity: Int
    private var ready: [Int: Result<Batch, any Error>] = [:]
    private var nextToLoad = 0
    private var nextToDeliver = 0
    private var stopping = false
    /// Worker threads that have not yet returned from `work()`.
    private(set) var runningWorkers: Int

    init(batches: [[Int]], load: @escaping @Sendable ([Int]) throws -> Batch, workers: Int, capacity: Int) {
        self.batches = batches
        self.load = load
        self.capacity = max(capacity, 1)
        self.runningWorkers = workers
    }

    /// The consumer's side: waits for the next batch in order.
    func next() -> Result<Batch, any Error>? {
        condition.lock()
        defer { condition.unlock() }
        guard nextToDeliver < batches.count else { return nil }
        while ready[nextToDeliver] == nil { condition.wait() }
        let batch = ready.removeValue(forKey: nextToDeliver)
        nextToDeliver += 1
        condition.broadcast()  // a slot is free
        return batch
    }

    /// A worker's loop: claim the next batch while there is room ahead of the consumer.
    func work() {
        while true {
            condition.lock()
            while !stopping && nextToLoad < batches.count && nextToLoad - nextToDeliver >= capacity {
                condition.wait()
            }
            guard !stopping && nextToLoad < batches.count else {
                runningWorkers -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = nextToLoad
            nextToLoad += 1
            condition.unlock()

            let batch = Result { try load(batches[job]) }

            condition.lock()
            ready[job] = batch
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Tells the workers to stop and waits until every one has returned.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while runningWorkers > 0 { condition.wait() }
        ready.removeAll()
        condition.unlock()
    }
}
