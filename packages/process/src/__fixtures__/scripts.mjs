// Standalone programs for the Process tests that are about what a whole
// program does: whether it exits, and what reaches its stdout and stderr.
// Run as `node scripts.mjs <name>`; each prints what the test checks.
import { Process, task } from "@multiproc/process";

const TARGETS = new URL("./targets.mjs", import.meta.url);
const cell = () => new Int32Array(new SharedArrayBuffer(4));

const scripts = {
  /** A daemon's join() keeps Node alive while it waits (Python's join() blocks). */
  async "join-daemon"() {
    const p = new Process({ target: task(TARGETS, "sleepMs"), args: [300], daemon: true });
    p.start();
    await p.join();
    console.log(`joined exitCode=${p.exitCode}`);
  },

  /** joinSync on the main thread of a child that printed (it used to wait forever for the output to drain). */
  "join-sync-output"() {
    const p = new Process({ target: task(TARGETS, "printLines"), args: ["child", 3] });
    p.start();
    p.joinSync();
    console.log(`joined exitCode=${p.exitCode}`);
  },

  /** The child's lines reach stdout while the parent is blocked, before the child ends. */
  "output-while-blocked"() {
    const go = cell();
    const p = new Process({ target: task(TARGETS, "printThenWait"), args: ["child is waiting", go] });
    p.start();
    // Blocked for good unless the test, having read the child's line, says "go" on stdin... which
    // this blocked thread cannot read: so the child's line itself must arrive while we block. The
    // test kills us after it has seen it.
    Atomics.wait(go, 0, 0);
  },

  /** A target that throws: Python prints "Process Process-N:" and the traceback. */
  async fail() {
    const quiet = process.argv[3] === "quiet";
    const p = new Process({ target: task(TARGETS, "fail"), args: ["range"], printErrors: !quiet });
    p.start();
    await p.join();
    console.log(`exitCode=${p.exitCode} error=${p.error?.message}`);
  },

  /** An error thrown outside the target, later, ends the process with it printed too. */
  async "fail-later"() {
    const p = new Process({ target: task(TARGETS, "failLater") });
    p.start();
    await p.join();
    console.log(`exitCode=${p.exitCode}`);
  },
};

await scripts[process.argv[2]]();
