// Lock-guarded appends to one file, as Python's classic `with lock:` example:
// four processes append lines; the lock keeps each process's block of lines
// together in the file.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Lock, Process } from "multiproc";

const dir = mkdtempSync(join(tmpdir(), "multiproc-lock-"));
const file = join(dir, "log.txt");
const lock = new Lock();

const workers = [1, 2, 3, 4].map(
  (id) =>
    new Process({
      target: async (lock, file, id) => {
        const { appendFileSync } = await import("node:fs");
        for (let round = 0; round < 3; round++) {
          lock.withLockSync(() => {
            // Three lines per turn: without the lock, other processes' lines could land in between.
            for (let line = 0; line < 3; line++) appendFileSync(file, `process ${id} round ${round} line ${line}\n`);
          });
        }
      },
      args: [lock, file, id],
    }),
);
appendFileSync(file, "");
for (const p of workers) p.start();
for (const p of workers) await p.join();

const lines = readFileSync(file, "utf8").trimEnd().split("\n");
const blocks = [];
for (let i = 0; i < lines.length; i += 3) blocks.push(lines.slice(i, i + 3));
const intact = blocks.every((block) => block.every((line) => line.slice(0, 19) === block[0].slice(0, 19)));
console.log(`${lines.length} lines from ${workers.length} processes; every 3-line block intact: ${intact}`);
console.log(`first block:\n  ${blocks[0].join("\n  ")}`);
rmSync(dir, { recursive: true });
