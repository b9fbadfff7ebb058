// The benchmark harness: every contender of a workload runs in the same
// process run, alternating (A B C A B C …) after one warm-up each, so that
// machine noise hits all of them alike. A contender's run returns how many
// operations it did and how long they took (measured where the work happens,
// often inside workers); the harness reports the median rate, its range, and
// the ratio of multiproc's median to each peer's.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";

/**
 * @typedef {{ ops: number, ms: number }} Sample
 * @typedef {{ name: string, peer?: boolean, skip?: string, run: (size: number) => Promise<Sample> | Sample }} Contender
 * @typedef {{ area: string, name: string, unit: string, size: number, smokeSize?: number, contenders: Contender[] }} Workload
 */

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs one workload; returns { workload, unit, results: [{ contender, median, min, max, samples, skip? }] }. */
export async function runWorkload(workload, { repetitions, smoke }) {
  const size = smoke ? (workload.smokeSize ?? Math.max(1, Math.floor(workload.size / 100))) : workload.size;
  const active = workload.contenders.filter((c) => !c.skip);
  const rates = new Map(active.map((c) => [c.name, []]));
  for (const contender of active) await contender.run(size); // warm-up, not counted
  for (let rep = 0; rep < repetitions; rep++) {
    for (const contender of active) {
      const { ops, ms } = await contender.run(size);
      rates.get(contender.name).push((ops / ms) * 1000);
    }
  }
  const results = workload.contenders.map((c) => {
    if (c.skip) return { contender: c.name, peer: Boolean(c.peer), skip: c.skip };
    const samples = rates.get(c.name);
    return { contender: c.name, peer: Boolean(c.peer), median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
  });
  return { area: workload.area, workload: workload.name, unit: workload.unit, size, results };
}

function format(rate) {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(1);
}

/** The table: one row per contender, multiproc's first, then the ratio of multiproc to each peer. */
export function formatReport(report) {
  const lines = [];
  for (const w of report.workloads) {
    lines.push(`\n${w.area} / ${w.workload}  (${w.unit}, higher is better; n=${w.size})`);
    const ours = w.results.find((r) => !r.peer && !r.skip);
    for (const r of w.results) {
      if (r.skip) {
        lines.push(`  ${r.contender.padEnd(34)} skipped: ${r.skip}`);
        continue;
      }
      const ratio = !r.peer || !ours ? "" : `   multiproc is ${(ours.median / r.median).toFixed(2)}x`;
      lines.push(`  ${r.contender.padEnd(34)} ${format(r.median).padStart(9)}  (${format(r.min)}–${format(r.max)})${ratio}`);
    }
  }
  return lines.join("\n");
}

export function machine() {
  let python = null;
  try {
    python = execFileSync("python3", ["--version"], { encoding: "utf8" }).trim();
  } catch {}
  return { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(totalmem() / 2 ** 30), python };
}
