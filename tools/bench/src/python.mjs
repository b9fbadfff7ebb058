// Runs a Python peer: `python3 python/<script>.py <workload> <size>` prints
// one JSON line { ops, ms }. Absent python3 makes the peer a skip with a note.
import { execFileSync } from "node:child_process";

let available;
export function pythonSkip() {
  if (available === undefined) {
    try {
      execFileSync("python3", ["-c", "import multiprocessing"], { stdio: "ignore" });
      available = true;
    } catch {
      available = false;
    }
  }
  return available ? undefined : "python3 with multiprocessing is not on this machine";
}

export function runPython(script, workload, size) {
  const path = new URL(`../python/${script}.py`, import.meta.url).pathname;
  const out = execFileSync("python3", [path, workload, String(size)], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop());
}
