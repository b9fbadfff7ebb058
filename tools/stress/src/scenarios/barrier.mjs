// Barriers whose parties die: the survivors must get BrokenBarrierError at
// once (not at their timeout, and never hang), and reset() must make the
// barrier usable again.
import { Barrier, SharedArray } from "multiproc";
import { startFixture } from "@multiproc/test-utils";

const LOOP = new URL("../workers/loop.mjs", import.meta.url);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function arrived(barrier, n) {
  for (let i = 0; i < 500 && barrier.nWaiting < n; i++) await sleep(10);
  return barrier.nWaiting >= n;
}

/** Barrier(4): two survivors wait; a third party dies while waiting (terminate, process.exit or a throw); the fourth never comes. */
export async function partyDies(rng) {
  const barrier = new Barrier(4);
  const progress = new SharedArray("i", 3);
  const how = ["terminate", "exit", "throw"][Math.floor(rng() * 3)];
  const survivors = [0, 1].map((slot) => startFixture(LOOP, { name: "barrier", args: { barrier, mode: slot ? "async" : "sync", progress, slot } }));
  // A party blocked in waitSync runs no timers: it can die by terminate only.
  const mode = how === "terminate" && rng() < 0.5 ? "sync" : "async";
  const dying = startFixture(LOOP, { name: "barrier", args: { barrier, mode, progress, slot: 2, die: how === "terminate" ? undefined : how } });
  if (!(await arrived(barrier, 3)) && how === "terminate") return "the parties never all arrived";
  const started = performance.now();
  if (how === "terminate") await dying.worker.terminate();
  const outcomes = await Promise.all(survivors.map((s) => s.message));
  const took = performance.now() - started;
  await Promise.all([...survivors, dying].map((w) => w.exited));
  if (outcomes.some((o) => o.error !== "BrokenBarrierError")) return `survivors got ${JSON.stringify(outcomes)} after the party ${how} died`;
  if (!barrier.broken) return "the barrier is not broken";
  return took > 5_000 ? `survivors waited ${Math.round(took)} ms (their timeout is 20 s)` : undefined;
}

/** Barrier(2): a waiting party is killed; then reset() (or nothing), and new parties must get through (or get BrokenBarrierError), never hang. */
export async function resetAfterDeath(rng) {
  const barrier = new Barrier(2);
  const progress = new SharedArray("i", 2);
  const dying = startFixture(LOOP, { name: "barrier", args: { barrier, mode: "sync", progress, slot: 0 } });
  if (!(await arrived(barrier, 1))) return "the party never arrived";
  await dying.worker.terminate();
  await dying.exited;
  const reset = rng() < 0.5;
  if (reset) barrier.reset();
  const other = startFixture(LOOP, { name: "barrier", args: { barrier, mode: "async", progress, slot: 1 } });
  let mine;
  try {
    mine = { index: await barrier.wait({ timeout: 10_000 }) };
  } catch (error) {
    mine = { error: error.name };
  }
  const theirs = await other.message;
  await other.exited;
  const expected = reset ? (o) => o.index !== undefined : (o) => o.error === "BrokenBarrierError";
  if (!expected(mine) || !expected(theirs)) return `after ${reset ? "reset()" : "no reset"}: got ${JSON.stringify([mine, theirs])}`;
  return undefined;
}
