// Task functions for the Process tests. Results come back through shared
// memory (a Counter, or JSON written into a SharedArrayBuffer).
import { currentProcess, parentProcess, Process, task } from "@multiproc/process";

export function addTo(counter, n) {
  counter.add(n);
}

export async function addLater({ deep: [{ counter }] }, n) {
  await new Promise((resolve) => setImmediate(resolve));
  counter.add(n);
}

export class NotRegisteredError extends Error {
  name = "NotRegisteredError";
}

export function fail(kind) {
  if (kind === "range") throw Object.assign(new RangeError("too far", { cause: new TypeError("inner") }), { limit: 10 });
  if (kind === "custom") throw Object.assign(new NotRegisteredError("custom"), { field: "x" });
  if (kind === "string") throw "just a string";
  throw new Error(kind);
}

export function failLater() {
  setTimeout(() => {
    throw new Error("thrown from a timer");
  }, 1);
}

/** Writes `value` as JSON into `sab` (length in word 0, then UTF-8), for the parent to read. */
export function report(sab, value) {
  const json = new TextEncoder().encode(JSON.stringify(value));
  new Uint8Array(sab, 4).set(json);
  Atomics.store(new Int32Array(sab), 0, json.length);
}

export function whoAmI(sab) {
  report(sab, { current: currentProcess(), parent: parentProcess(), env: process.env.MULTIPROC_TEST ?? null });
}

export async function startChild(sab, counter) {
  const child = new Process({ target: task(new URL(import.meta.url), "childReport"), args: [sab, counter] });
  child.start();
  await child.join();
  if (child.exitCode !== 0) throw new Error(`child exited with ${child.exitCode}`, { cause: child.error });
}

export function childReport(sab, counter) {
  counter.add(1);
  report(sab, { current: currentProcess(), parent: parentProcess() });
}

export function block(cell) {
  Atomics.wait(cell, 0, 0);
}

export function eatMemory() {
  const hoard = [];
  for (;;) hoard.push(new Array(100_000).fill(hoard.length));
}

export function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function printLines(prefix, n) {
  for (let i = 0; i < n; i++) console.log(`${prefix} line ${i}`);
}

export function printThenWait(line, cell) {
  console.log(line);
  Atomics.wait(cell, 0, 0);
}

/** From a grandchild: what parentProcess() says about the middle process, which is still running. */
export async function reportParent(sab) {
  const parent = parentProcess();
  const started = performance.now();
  await parent.join(50);
  parent.joinSync({ timeout: 20 });
  report(sab, {
    name: parent.name,
    pid: parent.pid,
    alive: parent.isAlive(),
    waited: performance.now() - started >= 60,
    text: String(parent),
  });
}

export async function startReportingChild(sab) {
  const child = new Process({ target: task(new URL(import.meta.url), "reportParent"), args: [sab] });
  child.start();
  await child.join();
  if (child.exitCode !== 0) throw new Error(`child exited with ${child.exitCode}`, { cause: child.error });
}
