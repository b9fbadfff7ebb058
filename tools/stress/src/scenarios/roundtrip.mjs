// Property-based round trips: arbitrary values (fast-check, seeded) sent
// through a Queue, a Pipe, a Process's args and a Pool task's args and result
// arrive equal to what structuredClone makes of them (prototypes, -0, holes,
// extra array properties, lone surrogates, cycles included), and every typed
// array in them owns exactly its buffer, where it arrived and back here.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { Pipe, Pool, Process, Queue, task } from "multiproc";
import { startFixture } from "@multiproc/test-utils";
import { notOwned } from "../workers/echo.mjs";

const ECHO = new URL("../workers/echo.mjs", import.meta.url);
const ECHO_LOOP = new URL("../workers/echo-loop.mjs", import.meta.url);

const anything = fc.anything({
  maxDepth: 3,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withObjectString: true,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  stringUnit: "binary", // any code unit: lone surrogates too
});

/** What the random generators miss: partial views, Buffers, extra array properties, cycles, a string that starts with U+FEFF (a byte order mark a UTF-8 decoder may strip). */
const special = fc.oneof(
  fc.string({ unit: "binary" }).map((text) => `\ufeff${text}`),
  fc.tuple(fc.array(anything, { maxLength: 4 }), fc.dictionary(fc.string().map((k) => `k${k}`), anything, { maxKeys: 3 })).map(([array, extra]) => Object.assign(array, extra)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.nat()).map(([bytes, a, b]) => bytes.subarray(a % bytes.length, Math.max(a % bytes.length, b % (bytes.length + 1)))),
  fc.string({ unit: "binary" }).map((text) => ({ buffer: Buffer.from(text), view: new DataView(new ArrayBuffer(16), 4, 8) })),
  anything.map((inner) => {
    const node = { inner };
    node.self = node;
    return [node, node];
  }),
);

const values = (seed, count) => fc.sample(fc.oneof({ arbitrary: anything, weight: 3 }, { arbitrary: special, weight: 1 }), { seed, numRuns: count });

/** A description of what went wrong with one value, or undefined. */
function compare(sent, echoed, where) {
  const expected = structuredClone(sent);
  if (!isDeepStrictEqual(echoed.value, expected)) return `${where}: ${fc.stringify(sent)} arrived as ${fc.stringify(echoed.value)}`;
  const bad = [...echoed.notOwned.map((p) => `there: ${p}`), ...notOwned(echoed.value).map((p) => `back: ${p}`)];
  return bad.length > 0 ? `${where}: ${fc.stringify(sent)}: views not owning their buffer: ${bad.join(", ")}` : undefined;
}

/** Half the values inside an object (the v8 path), half at the top level, where the codec's own paths for strings, numbers and bytes take them. */
async function throughWorker(seed, count, connect) {
  const failures = [];
  const all = values(seed, count);
  for (const top of [false, true]) {
    const sent = all.filter((_, i) => i % 2 === Number(top));
    const { send, receive, data } = connect();
    const worker = startFixture(ECHO_LOOP, { ...data, count: sent.length, top });
    for (const [i, value] of sent.entries()) {
      send(top ? value : { value });
      const echoed = await receive();
      const failure = compare(value, top ? { value: echoed, notOwned: [] } : echoed, `${top ? "top-level " : ""}value ${i}`);
      if (failure) failures.push(failure);
    }
    await worker.exited;
  }
  return failures;
}

export const queue = (rng, count) =>
  throughWorker(Math.floor(rng() * 2 ** 31), count, () => {
    const input = new Queue();
    const output = new Queue();
    return { data: { input, output }, send: (item) => input.putSync(item), receive: () => output.get() };
  });

export const pipe = (rng, count) =>
  throughWorker(Math.floor(rng() * 2 ** 31), count, () => {
    const [here, there] = Pipe();
    return { data: { input: there }, send: (item) => here.send(item), receive: () => here.recv() };
  });

export async function processArgs(rng, count) {
  const failures = [];
  const out = new Queue();
  for (const [i, value] of values(Math.floor(rng() * 2 ** 31), count).entries()) {
    const child = new Process({ target: task(ECHO, "echoToQueue"), args: [value, out], printErrors: false });
    child.start();
    await child.join();
    // The target puts before it returns: after join() its echo is there, or it never ran.
    const echoed = await out.get({ timeout: 5_000 }).catch(() => undefined);
    const failure = echoed ? compare(value, echoed, `value ${i}`) : `value ${i}: ${fc.stringify(value)}: the process exited with code ${child.exitcode} without an echo`;
    if (failure) failures.push(failure);
  }
  return failures;
}

export async function poolArgs(rng, count) {
  const pool = new Pool({ processes: 2 });
  try {
    const sent = values(Math.floor(rng() * 2 ** 31), count);
    // Even values come back inside an object; odd ones as the task's whole result, through the codec's top-level paths.
    const echoed = await Promise.all(sent.map((value, i) => (i % 2 === 0 ? pool.apply(task(ECHO, "echo"), [value]) : pool.apply(task(ECHO, "same"), [value]).then((same) => ({ value: same, notOwned: [] })))));
    return sent.map((value, i) => compare(value, echoed[i], `value ${i}`)).filter(Boolean);
  } finally {
    await pool.terminate();
  }
}
