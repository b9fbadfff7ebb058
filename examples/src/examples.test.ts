import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = async (file: string) =>
  (await promisify(execFile)(process.execPath, [new URL(file, import.meta.url).pathname], { timeout: 60_000 })).stdout;

describe("examples", () => {
  it("factorial.mjs computes every factorial on its own process", async () => {
    const out = await run("./factorial.mjs");
    expect(out).toContain("10! = 3628800");
    expect(out).toContain("40! = 815915283247897734345611269596115894272000000000");
    expect(out).toContain("[100] by value: 100! has 158 digits");
    expect(out).toMatch(/\[Process-\d+\] 20! = 2432902008176640000/);
    expect(out).toContain("exit codes: 0 0 0 0 0");
  });

  it("factorial-pool.mjs maps on a Pool and an executor, with a progress bar", async () => {
    const out = await run("./factorial-pool.mjs");
    expect(out).toContain("Pool.map [##############################] 200/200");
    expect(out).toContain("Pool.map: 200 factorials; 2000! has 5736 digits");
    expect(out).toContain("executor [##############################] 20/20");
    expect(out).toContain("executor: 20 futures done; 10! has 7 digits");
  });

  it("joblib-parallel.mjs runs delayed calls in order, as a generator and in turn", async () => {
    const out = await run("./joblib-parallel.mjs");
    expect(out).toBe(
      "roots: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9\nprimes below 200000: 17984 (of 200000 numbers checked)\nin turn on this thread: 1, 2, 3\n",
    );
  });

  it("manager-word-count.mjs shares a dict, a list and a Namespace through a manager", async () => {
    const out = await run("./manager-word-count.mjs");
    expect(out).toBe("word counts: a=3 b=2 c=3 d=1\ntexts done: 0, 1, 2, 3; objects in the manager: 3\n");
  });

  it("remote-manager.mjs serves a job queue to a producer and a consumer in other OS processes", async () => {
    const out = await run("./remote-manager.mjs");
    expect(out).toBe(
      "producer: put 5 jobs\nconsumer: squares 1, 4, 9, 16, 25\nmanager: clients exited 0 0; 6 gets, 0 items left; objects in the manager: 1\n",
    );
  });

  it("cluster-factorial.mjs maps on two multiproc-worker processes through a Redis it starts itself", async () => {
    const out = await run("./cluster-factorial.mjs");
    expect(out).toBe("cluster: 200 factorials on 2 worker processes; 2000! has 5736 digits\n");
  });

  it("thread-pool-io.mjs fetches pages at most 5 at a time", async () => {
    const out = await run("./thread-pool-io.mjs");
    expect(out).toBe("8 pages, 42326 bytes; at most 5 requests at once (maxWorkers 5)\nmap, in order: 1000, 2000, 5000\n");
  });

  it("errors.mjs shows the worker's error, a join timeout and terminate", async () => {
    const out = await run("./errors.mjs");
    expect(out).toBe(
      "exit code 1: RangeError: n must be positive\nstill alive after join(100): true\nafter terminate(): exit code -15\n",
    );
  });

  it("lock-append.mjs keeps each process's lines together", async () => {
    const out = await run("./lock-append.mjs");
    expect(out).toContain("36 lines from 4 processes; every 3-line block intact: true");
  });

  it("semaphore-slots.mjs never has more than two processes inside", async () => {
    const out = await run("./semaphore-slots.mjs");
    expect(out).toMatch(/6 processes used 2 slots; at most [12] inside at once; slots free again: 2/);
  });

  it("barrier-phases.mjs keeps three processes in step", async () => {
    const out = await run("./barrier-phases.mjs");
    expect(out.match(/-- all 3 done with a phase --/g)).toHaveLength(3);
    expect(out.match(/phase \d passed/g)).toHaveLength(3);
    expect(out).toContain("done: 3 phases, exit codes 0 0 0");
  });

  it("shared-counter.mjs counts exactly and fills the array", async () => {
    const out = await run("./shared-counter.mjs");
    expect(out).toBe("locked counter: 40000, atomic counter: 40000 (expected 40000 each)\nsquares: 0, 1, 4, 9, 16, 25, 36, 49\n");
  });

  it("producer-consumer.mjs does every job exactly once", async () => {
    const out = await run("./producer-consumer.mjs");
    expect(out).toBe("100 jobs done by 2 consumers; sum of squares 85850 (expected 85850)\n");
  });

  it("pipe-exchange.mjs answers each question, then ends at EOF", async () => {
    const out = await run("./pipe-exchange.mjs");
    expect(out).toBe("hello -> 5 letters\nmultiproc -> 9 letters\npipe -> 4 letters\nchild exited with 0; EOFError is EOFError\n");
  });
});
