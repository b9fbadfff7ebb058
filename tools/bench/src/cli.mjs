#!/usr/bin/env node
// npm run bench [-- area ...] [--smoke] [--reps N]
// Runs the workloads of the named areas (all by default), prints the ratio
// table, and (unless --smoke) writes results/latest.json, a dated copy, and
// the chart results/latest.svg.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { drawLatest } from "./chart.mjs";
import { formatReport, machine, runWorkload } from "./harness.mjs";

const AREAS = {
  lock: () => import("./workloads/lock.mjs"),
  "shared-value": () => import("./workloads/shared-value.mjs"),
  queue: () => import("./workloads/messaging.mjs"),
  pipe: () => import("./workloads/messaging.mjs"),
  pool: () => import("./workloads/pool.mjs"),
};

export async function runBench({ areas = Object.keys(AREAS), smoke = false, repetitions = smoke ? 1 : 5, log = console.log } = {}) {
  const unknown = areas.filter((a) => !AREAS[a]);
  if (unknown.length) throw new Error(`Unknown bench area ${unknown.join(", ")}; known: ${Object.keys(AREAS).join(", ")}`);
  const report = { date: new Date().toISOString(), machine: machine(), repetitions, smoke, workloads: [] };
  for (const area of areas) {
    const { workloads } = await AREAS[area]();
    for (const workload of workloads.filter((w) => w.area === area)) {
      const result = await runWorkload(workload, { repetitions, smoke });
      report.workloads.push(result);
      log(formatReport({ workloads: [result] }));
    }
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const repsAt = args.indexOf("--reps");
  const repetitions = repsAt >= 0 ? Number(args[repsAt + 1]) : undefined;
  const areas = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--reps");
  const m = machine();
  console.log(`multiproc bench: Node ${m.node}, ${m.cpus} x ${m.cpuModel}, ${m.python ?? "no python3"}${smoke ? " (smoke)" : ""}`);
  const report = await runBench({ areas: areas.length ? areas : undefined, smoke, ...(repetitions ? { repetitions } : {}) });
  if (!smoke) {
    const dir = new URL("../results/", import.meta.url);
    mkdirSync(dir, { recursive: true });
    // A run of some areas keeps the other areas' figures from the last run.
    const latest = new URL("latest.json", dir);
    const earlier = existsSync(latest) ? JSON.parse(readFileSync(latest, "utf8")).workloads : [];
    const ran = new Set(report.workloads.map((w) => w.area));
    report.workloads = [...earlier.filter((w) => !ran.has(w.area)), ...report.workloads];
    const json = `${JSON.stringify(report, null, 2)}\n`;
    writeFileSync(new URL("latest.json", dir), json);
    writeFileSync(new URL(`${report.date.slice(0, 10)}.json`, dir), json);
    drawLatest();
    console.log(`\nresults written to tools/bench/results/latest.json, chart to latest.svg`);
  }
}
