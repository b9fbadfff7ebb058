// Tasks for the cluster tests, run on the workers' pool threads.
import { registerErrorClass } from "@multiproc/core";

export class ValidationError extends Error {
  get name() {
    return "ValidationError";
  }
}
registerErrorClass(ValidationError);

export function add(a, b) {
  return a + b;
}

export function square(x) {
  return x * x;
}

/** n * 10, except for 3 (the item imap's error test fails on). */
export function tenfoldBut3(n) {
  if (n === 3) throw new RangeError(`bad ${n}`);
  return n * 10;
}

export function whoAmI(tag) {
  return { tag, pid: process.pid };
}

export async function sleep(ms, value) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return value;
}

export function fail(message) {
  const error = new ValidationError(message, { cause: new RangeError("out of range") });
  error.field = "age";
  throw error;
}

export function exitNow(code) {
  process.exit(code);
}

/** Tells the test (on the unix socket `path`, see startReports) that a task started in this process. */
async function reportStart(path) {
  const { connect } = await import("node:net");
  await new Promise((resolve, reject) => {
    const socket = connect({ path }, () => socket.end(String(process.pid)));
    socket.on("close", resolve);
    socket.on("error", reject);
  });
}

/** Reports its start (on `path`), then sleeps `ms` and returns this process's pid. */
export async function reportAndSleep(path, ms) {
  await reportStart(path);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return process.pid;
}

/** Kills this whole worker process (not just its pool thread), every time. */
export function killMyProcess() {
  process.kill(process.pid, "SIGKILL");
}

/** An error class nobody registered (registerErrorClass): it arrives as a RemoteError that keeps its name. */
class QuotaError extends Error {
  get name() {
    return "QuotaError";
  }
}

export function failUnregistered(message) {
  const error = new QuotaError(message);
  error.limit = 10;
  throw error;
}

/** Reports its start (on `path`), then keeps this pool thread busy for `ms` (no await: BullMQ's thread must keep the lock) and returns this process's pid. */
export async function reportAndSpin(path, ms) {
  await reportStart(path);
  const end = Date.now() + ms;
  while (Date.now() < end);
  return process.pid;
}

/** Results that cannot leave the worker's machine, or cannot be sent at all. */
export async function returnUnsendable(what) {
  if (what === "lock") return { lock: new (await import("@multiproc/lock")).Lock() };
  if (what === "shared") return { memory: new SharedArrayBuffer(8) };
  return { callback: () => 1 };
}
