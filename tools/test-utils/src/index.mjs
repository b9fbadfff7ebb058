// Test helpers shared by the packages' tests. Plain ESM, so worker fixtures
// load it as it is, with no build step.
import { Worker, workerData } from "node:worker_threads";
import {
  allocateBlock,
  bindBlock,
  defineKind,
  dropStoredBlock,
  FIRST_CUSTOM_KIND,
  fromMessage,
  startThread,
  toMessage,
  reviveStoredBlock,
  SHAREABLE,
  storeBlock,
  childThreadEnded,
  prepareChildThread,
} from "@multiproc/core/internal";

export const COUNTER_KIND = FIRST_CUSTOM_KIND;
export const PAIR_KIND = FIRST_CUSTOM_KIND + 1;

/**
 * A minimal shareable: one int32 in the arena. Enough to prove that an
 * instance crossing threads shares state with the original.
 */
export class Counter {
  #block;
  #words;

  constructor(block) {
    this.#block = block ?? allocateBlock(COUNTER_KIND, 4);
    this.#words = this.#block.int32(0, 1);
    bindBlock(this, this.#block);
  }

  add(n = 1) {
    return Atomics.add(this.#words, 0, n) + n;
  }

  get value() {
    return Atomics.load(this.#words, 0);
  }

  [SHAREABLE]() {
    return this.#block;
  }
}

/** A composite shareable: holds a counted reference to two Counters, like a Condition holds its Lock. */
export class Pair {
  #block;
  left;
  right;

  constructor(left, right, block) {
    if (block) {
      this.#block = block;
      const words = block.int32(0, 4);
      this.left = reviveStoredBlock(words, 0, COUNTER_KIND);
      this.right = reviveStoredBlock(words, 2, COUNTER_KIND);
    } else {
      this.#block = allocateBlock(PAIR_KIND, 16);
      const words = this.#block.int32(0, 4);
      storeBlock(words, 0, left[SHAREABLE]());
      storeBlock(words, 2, right[SHAREABLE]());
      this.left = left;
      this.right = right;
    }
    bindBlock(this, this.#block);
  }

  [SHAREABLE]() {
    return this.#block;
  }
}

defineKind({ kind: COUNTER_KIND, package: "@multiproc/test-utils", moduleUrl: import.meta.url, revive: (block) => new Counter(block) });
defineKind({
  kind: PAIR_KIND,
  package: "@multiproc/test-utils",
  moduleUrl: import.meta.url,
  revive: (block) => new Pair(undefined, undefined, block),
  dispose(block) {
    const words = block.int32(0, 4);
    dropStoredBlock(words, 0);
    dropStoredBlock(words, 2);
  },
});

/**
 * Starts a fixture module in a raw worker joined to this thread's arenas (as
 * Process does), with `data` sent the way Process sends args (shareables
 * arrive working). Returns the worker (to terminate it at any instant, as a
 * crash would), its first message, and its exit code. The fixture gets
 * `data` back with `await fixtureData()`.
 * @param {URL} url
 * @param {unknown} data
 */
export function startFixture(url, data, { transferList = [], resourceLimits } = {}) {
  const child = prepareChildThread("fixture");
  const worker = new Worker(url, { workerData: { thread: child.data, message: toMessage(data, "data") }, transferList, ...(resourceLimits && { resourceLimits }) });
  let error;
  worker.once("error", (e) => (error = e));
  const message = new Promise((resolve) => worker.once("message", resolve));
  const exited = new Promise((resolve) => {
    worker.once("exit", (code) => {
      childThreadEnded(child);
      resolve({ code, error });
    });
  });
  return { worker, message, exited };
}

/**
 * startFixture, resolving with the first message the fixture posts once it
 * has exited with code 0 (rejecting with its error otherwise).
 * @param {URL} url
 * @param {unknown} data
 */
export async function runFixture(url, data, transferList = []) {
  const { message, exited } = startFixture(url, data, { transferList });
  let result;
  void message.then((m) => (result = m));
  const { code, error } = await exited;
  if (error) throw error;
  if (code !== 0) throw new Error(`fixture exited with ${code}`);
  await Promise.resolve();
  return result;
}

/** Forces a full garbage collection (for FinalizationRegistry tests). */
export async function collectGarbage() {
  const { setFlagsFromString } = await import("node:v8");
  const { runInNewContext } = await import("node:vm");
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc");
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Inside a fixture started by `runFixture`: join the process tree, then return the data. */
export async function fixtureData() {
  await startThread(workerData.thread);
  return fromMessage(workerData.message);
}

/**
 * Every `next()` of `iterator` to its end, as a Python loop that catches an
 * error and goes on sees them: a rejection is recorded as "ERR <message>".
 */
export async function nextAll(iterator) {
  const seen = [];
  for (;;) {
    try {
      const step = await iterator.next();
      if (step.done) return seen;
      seen.push(step.value);
    } catch (error) {
      seen.push(`ERR ${error.message}`);
    }
  }
}
