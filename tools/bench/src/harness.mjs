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
 * @typedef {{ name: string, peer?: boolean, skip?: string, run: (size: number) => Promise<Sample> | Sample, close?: () => Promise<void> }} Contender
 * (`close`: called once the workload is done, for contenders that keep something across runs, such as a pool.)
 * @typedef {{ area: string, name: string, unit: string, size: number, smokeSize?: number, warmupSize?: number, show?: "rate" | "latency" | "factor", contenders: Contender[] }} Workload
 *
 * `show`: how figures print. "rate" (default): ops per second. "latency": the
 * time per op (1 / rate). "factor": the rate itself, as "1.95x" (a run
 * returns { ops: factor, ms: 1000 }). Ratios always compare rates, so "2x"
 * means twice as fast in every case.
 */

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs one workload; returns { workload, unit, results: [{ contender, median, min, max, samples, skip? }] }. */
export async function runWorkload(workload, { repetitions, smoke }) {
  // Some peers let Node quit while their workers start (poolifier): hold the loop open.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  try {
    return await measure(workload, { repetitions, smoke });
  } finally {
    for (const contender of workload.contenders) await contender.close?.();
    clearInterval(keepAlive);
  }
}

async function measure(workload, { repetitions, smoke }) {
  const size = smoke ? (workload.smokeSize ?? Math.max(1, Math.floor(workload.size / 100))) : workload.size;
  const active = workload.contenders.filter((c) => !c.skip);
  const rates = new Map(active.map((c) => [c.name, []]));
  const warmup = Math.min(size, workload.warmupSize ?? size);
  for (const contender of active) await contender.run(warmup); // warm-up, not counted
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
  return { area: workload.area, workload: workload.name, unit: workload.unit, show: workload.show ?? "rate", size, results };
}

/** A median as the table prints it: a rate, a time per op ("latency") or a factor. */
export function formatRate(rate, show = "rate") {
  if (show === "factor") return `${rate.toFixed(2)}x`;
  if (show === "latency") {
    const us = 1e6 / rate;
    return us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`;
  }
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(1);
}

/** The table: one row per contender, multiproc's first, then the ratio of multiproc to each peer. */
export function formatReport(report) {
  const lines = [];
  for (const w of report.workloads) {
    const show = w.show ?? "rate";
    lines.push(`\n${w.area} / ${w.workload}  (${w.unit}, ${show === "latency" ? "lower" : "higher"} is better; n=${w.size})`);
    const ours = w.results.find((r) => !r.peer && !r.skip);
    for (const r of w.results) {
      if (r.skip) {
        lines.push(`  ${r.contender.padEnd(34)} skipped: ${r.skip}`);
        continue;
      }
      const ratio = !r.peer || !ours ? "" : `   multiproc is ${(ours.median / r.median).toFixed(2)}x`;
      // For latency the fastest sample is the highest rate: the range reads low–high either way.
      const [low, high] = show === "latency" ? [r.max, r.min] : [r.min, r.max];
      lines.push(`  ${r.contender.padEnd(34)} ${formatRate(r.median, show).padStart(9)}  (${formatRate(low, show)}–${formatRate(high, show)})${ratio}`);
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
