// SharedValue / SharedArray / SharedMemory scenarios in a worker; replies { ok } or { error }.
import { parentPort } from "node:worker_threads";
import { serializeError } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { name, args } = await fixtureData();

function startTogether(start) {
  Atomics.add(start, 0, 1);
  Atomics.notify(start, 0);
  while (Atomics.load(start, 0) < 2) Atomics.wait(start, 0, Atomics.load(start, 0), 100);
}

const scenarios = {
  // Python's `with v.get_lock(): v.value += 1`, n times.
  lockedIncrement: ({ value, n, start }) => {
    startTogether(start);
    const lock = value.getLock();
    for (let i = 0; i < n; i++) lock.withLockSync(() => void (value.value += 1));
  },
  atomicIncrement: ({ value, n, start }) => {
    startTogether(start);
    const one = typeof value.value === "bigint" ? 1n : 1;
    for (let i = 0; i < n; i++) value.add(one);
  },
  fill: ({ array }) => {
    for (let i = 0; i < array.length; i++) array.set(i, i * i);
  },
  read: ({ array }) => array.toArray(),
  values: ({ values }) => values.map((v) => v.value),
  setValues: ({ values, to }) => values.forEach((v, i) => (v.value = to[i])),
  tryLock: ({ value }) => value.getLock().tryAcquire(),
  // Holds the array's lock for `ms`, then (still holding it) snapshots the elements and writes 5, 6 raw.
  holdLock: ({ array, held, ms }) => {
    const lock = array.getLock();
    lock.acquireSync();
    Atomics.store(held, 0, 1);
    Atomics.notify(held, 0);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const snapshot = [...array.raw];
    array.raw.set([5, 6]);
    lock.release();
    return snapshot;
  },
  // Python's `with lock: sl[i] += 1`, n times, for each slot index given; then writes its name into slot `named`.
  listIncrement: ({ list, lock, n, start, slots, named, name }) => {
    startTogether(start);
    for (let i = 0; i < n; i++) lock.withLockSync(() => slots.forEach((s) => list.set(s, list.get(s) + 1)));
    list.set(named, name);
    return { items: list.toArray(), format: list.format };
  },
  writeMemory: ({ memory, text }) => void new TextEncoder().encodeInto(text, memory.buf),
};

try {
  parentPort.postMessage({ ok: await scenarios[name](args) });
} catch (error) {
  parentPort.postMessage({ error: serializeError(error) });
}
