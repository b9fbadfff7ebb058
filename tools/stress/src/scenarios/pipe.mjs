// A Pipe end held by a thread that dies without closing it: the other end
// gets EOFError on recv and BrokenPipeError on send, never a wait forever.
import { BrokenPipeError, EOFError, Pipe, SharedArray } from "multiproc";
import { startFixture } from "@multiproc/test-utils";
import { until } from "./until.mjs";

const LOOP = new URL("../workers/loop.mjs", import.meta.url);

export async function peerDies(rng) {
  const [here, there] = Pipe();
  const progress = new SharedArray("i", 1);
  const exit = rng() < 0.5;
  const peer = startFixture(LOOP, { name: "holdEnd", args: { conn: there, progress, exit } });
  there.close(); // this thread's handle; the peer keeps its own
  await until(progress, 0, 1);
  if (!exit) await peer.worker.terminate();
  await peer.exited;
  const got = await here.recv({ timeout: 10_000 }).then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  if (got.value !== "hello") return `the first recv got ${got.error ?? got.value}`;
  const end = await here.recv({ timeout: 10_000 }).catch((error) => error);
  if (!(end instanceof EOFError)) return `recv after the peer died gave ${end} instead of EOFError`;
  try {
    here.send("anyone?");
    return "send to a dead peer did not throw";
  } catch (error) {
    return error instanceof BrokenPipeError ? undefined : `send gave ${error} instead of BrokenPipeError`;
  }
}
