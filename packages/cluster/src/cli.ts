#!/usr/bin/env node
// multiproc-worker: serves a multiproc cluster queue (see startWorker).
//   multiproc-worker --redis redis://host:6379 [--queue multiproc] [--prefix mp]
//     [--threads T] [--concurrency N] [--root DIR] [--preload MODULE]...
//     [--lock-duration MS] [--stalled-interval MS] [--max-stalled N] [--code-version V] [--allow-source]
// Prints one JSON line once it serves; SIGTERM or SIGINT finishes the jobs
// it holds, then exits (a second one exits at once: those jobs run again elsewhere).
import { parseArgs } from "node:util";
import { startWorker, type WorkerOptions } from "./worker.js";

const USAGE = "usage: multiproc-worker --redis URL [--queue NAME] [--prefix P] [--threads T] [--concurrency N] [--root DIR] [--preload MODULE] [--lock-duration MS] [--stalled-interval MS] [--max-stalled N] [--code-version V] [--allow-source]";

function integer(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${flag} expects a positive integer, got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  let options: WorkerOptions;
  try {
    const { values } = parseArgs({
      options: {
        redis: { type: "string" },
        queue: { type: "string" },
        prefix: { type: "string" },
        threads: { type: "string" },
        concurrency: { type: "string" },
        root: { type: "string" },
        preload: { type: "string", multiple: true },
        "lock-duration": { type: "string" },
        "stalled-interval": { type: "string" },
        "max-stalled": { type: "string" },
        "code-version": { type: "string" },
        "allow-source": { type: "boolean" },
      },
      strict: true,
    });
    options = Object.fromEntries(
      Object.entries({
        connection: values.redis,
        queue: values.queue,
        prefix: values.prefix,
        threads: integer(values.threads, "--threads"),
        concurrency: integer(values.concurrency, "--concurrency"),
        root: values.root,
        preload: values.preload,
        lockDuration: integer(values["lock-duration"], "--lock-duration"),
        stalledInterval: integer(values["stalled-interval"], "--stalled-interval"),
        maxStalled: integer(values["max-stalled"], "--max-stalled"),
        codeVersion: values["code-version"],
        allowSource: values["allow-source"],
      }).filter(([, value]) => value !== undefined),
    );
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const worker = await startWorker(options);
  console.log(JSON.stringify({ ready: true, pid: process.pid, threads: worker.threads, queue: options.queue ?? "multiproc" }));
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1); // the second signal: at once
    stopping = true;
    void worker.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
