/**
 * joblib's adaptive batch size (`AutoBatchingMixin`): start with one call
 * per batch, then size batches from the measured time of the last ones, so
 * a batch of tiny calls takes long enough that the hand-off to a worker is
 * a small part of it, and a batch of long calls stays short enough to keep
 * every worker busy to the end. joblib aims at 0.2 to 2 s a batch, for
 * loky's hand-off of about a millisecond; a multiproc hand-off takes tens of
 * microseconds, so batches here aim at 20 to 200 ms (more, smaller batches:
 * better balance at the end, at the same share of overhead).
 */
const MIN_IDEAL_BATCH_MS = 20;
const MAX_IDEAL_BATCH_MS = 200;

export class AutoBatchSize {
  #size = 1;
  /** Smoothed duration (ms) of batches of the current size; 0 until one is measured. */
  #smoothed = 0;

  /** The size of the next batch, as joblib's `compute_batch_size`: at most doubling at a time. */
  next(): number {
    const old = this.#size;
    const ms = this.#smoothed;
    if (ms > 0 && ms < MIN_IDEAL_BATCH_MS) {
      // Twice the ideal, as joblib, to limit oscillation between the bounds.
      const ideal = Math.floor((old * MIN_IDEAL_BATCH_MS) / ms) * 2;
      this.#size = Math.max(1, Math.min(2 * old, ideal));
    } else if (ms > MAX_IDEAL_BATCH_MS && old >= 2) {
      const ideal = Math.floor((old * MIN_IDEAL_BATCH_MS) / ms);
      this.#size = Math.max(1, 2 * ideal);
    }
    if (this.#size !== old) this.#smoothed = 0;
    return this.#size;
  }

  /** A batch of `size` calls took `ms` from its dispatch to its result (joblib's `batch_completed`). */
  completed(size: number, ms: number): void {
    if (size !== this.#size) return;
    this.#smoothed = this.#smoothed === 0 ? ms : 0.8 * this.#smoothed + 0.2 * ms;
  }
}

/**
 * joblib's `_verbosity_filter`: whether to leave out the progress line after
 * the `index`-th batch. Lines come ever rarer as the run goes on, the more
 * so the lower `verbose` (at 1: after batches 1, 50, 200, 450, …); above 10,
 * every batch prints.
 */
export function skipProgressLine(index: number, verbose: number): boolean {
  if (verbose > 10) return false;
  if (index === 0) return false;
  const scale = 0.5 * (11 - verbose) ** 2;
  return Math.floor(Math.sqrt(index / scale)) === Math.floor(Math.sqrt((index + 1) / scale));
}

/** joblib's `short_format_time`: `0.5s`, `12.3s`, `2.1min`. */
export function shortTime(ms: number): string {
  const seconds = ms / 1000;
  return seconds > 60 ? `${(seconds / 60).toFixed(1)}min` : `${seconds.toFixed(1)}s`;
}
