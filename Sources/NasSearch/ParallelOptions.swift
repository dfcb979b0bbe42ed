import Foundation

/// How `search(..., workers: N, batch: q, mode: "sync")` runs trials side by side.
public struct ParallelOptions: Sendable {
    /// Worker processes the proposer starts (`nasbook worker` children of the same binary).
    public var workers: Int
    /// Proposals outstanding at once (planned or running): the batch size.
    public var batch: Int
    public var mode: Mode
    /// A running trial whose worker has not renewed its lease for this long is planned again.
    public var lease: TimeInterval
    /// Training threads per worker's trial: cores / workers by default.
    public var threads: Int
    /// Start the workers as children of this process; false: only propose, for workers
    /// started elsewhere (`nasbook worker LOCATION --study NAME` by hand, ssh, Slurm).
    public var spawn = true

    public init(workers: Int, batch: Int, mode: Mode, lease: TimeInterval, threads: Int) {
        (self.workers, self.batch, self.mode, self.lease, self.threads) = (workers, batch, mode, lease, threads)
    }

    public enum Mode: String, CaseIterable, Sendable {
        /// Synchronous batches: the strategy proposes `batch` points, all of them finish, and
        /// their results are told in trial order before the next batch. The same seed and batch
        /// give the same study whatever the worker count and timing.
        case sync
        /// As soon as a trial finishes its result is told and a new point proposed (given the
        /// pending ones): no worker waits for the slowest trial of a batch, but the study
        /// depends on which trial finishes first.
        case async
    }

    /// Whether the search needs workers at all: one worker and batches of one is today's
    /// in-process loop, byte for byte.
    public var isParallel: Bool { workers > 1 || batch > 1 || !spawn }

    /// A resumed synchronous search keeps the interrupted batch's unfinished trials and runs
    /// them under their own numbers and seeds, so it equals the uninterrupted search (an
    /// asynchronous one depends on timing anyway, and proposes them again).
    public var keepsPlannedTrials: Bool { isParallel && workers > 0 && mode == .sync }
    // workers: 0 is a study measured outside nasbook (ask/tell): nothing runs.
}
