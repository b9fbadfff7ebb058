import { isTaskRef, type TaskLike } from "@multiproc/core/internal";
import { AutoBatchSize } from "./auto-batch.js";
import { Pool } from "./pool.js";

/**
 * The worker pool `Parallel` runs on, kept between calls as joblib's loky
 * backend keeps its reusable executor: a second call, and a Parallel made
 * in a loop, start at once on the same warm workers. One pool at a time:
 * a call with another worker count gets a new pool, and the old one ends
 * when its last call does. An idle pool never keeps Node alive (its workers
 * are unref'd) and ends after IDLE_MS without calls (loky's default).
 * The pool also keeps the batch size learned for each function (as joblib's
 * backend keeps its effective batch size between the calls of a `with`
 * block), so a call of a function seen before does not start over at one.
 */
const IDLE_MS = 300_000;

interface Entry {
  readonly pool: Pool;
  readonly size: number;
  users: number;
  retired: boolean;
  idle: ReturnType<typeof setTimeout> | undefined;
  /** Batch sizers by function: functions weakly held, task references by their URL and export. */
  readonly sizersByFunction: WeakMap<object, AutoBatchSize>;
  readonly sizersByRef: Map<string, AutoBatchSize>;
}

let current: Entry | undefined;

/** A pool of `size` workers for one call; give it back with the returned release(). */
export function acquirePool(size: number): { pool: Pool; batchSizer: (fn: TaskLike) => AutoBatchSize; release: () => void } {
  if (current && current.size !== size) retire(current);
  const entry = (current ??= {
    pool: new Pool({ processes: size }),
    size,
    users: 0,
    retired: false,
    idle: undefined,
    sizersByFunction: new WeakMap(),
    sizersByRef: new Map(),
  });
  entry.users++;
  if (entry.idle) clearTimeout(entry.idle);
  entry.idle = undefined;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (--entry.users > 0) return;
    if (entry.retired) void entry.pool.terminate();
    else entry.idle = setTimeout(() => retire(entry), IDLE_MS).unref();
  };
  return { pool: entry.pool, batchSizer: (fn) => sizerOf(entry, fn), release };
}

function sizerOf(entry: Entry, fn: TaskLike): AutoBatchSize {
  const key = isTaskRef(fn) ? `${fn.url}#${fn.exportName}` : undefined;
  let sizer = key === undefined ? entry.sizersByFunction.get(fn) : entry.sizersByRef.get(key);
  if (!sizer) {
    sizer = new AutoBatchSize();
    if (key === undefined) entry.sizersByFunction.set(fn, sizer);
    else entry.sizersByRef.set(key, sizer);
  }
  return sizer;
}

function retire(entry: Entry): void {
  entry.retired = true;
  if (current === entry) current = undefined;
  if (entry.users === 0) void entry.pool.terminate();
}
