#!/usr/bin/env node
// npm run bench [-- area ...] [--smoke] [--reps N] [--load N] [--only text]
// Runs the workloads of the named areas (all by default; --only: those whose
// name contains the text), prints the ratio table, and (unless --smoke)
// writes results/latest.json, a dated copy, and the chart results/latest.svg.
// With --load N, N busy processes run beside it all along, and the results
// go to results/latest-load.json (and latest-load.svg) instead.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { drawLatest } from "./chart.mjs";
import { formatReport, machine, runWorkload } from "./harness.mjs";
import { startLoad } from "./load.mjs";

const AREAS = {
  lock: () => import("./workloads/lock.mjs"),
  "shared-value": () => import("./workloads/shared-value.mjs"),
  queue: () => import("./workloads/messaging.mjs"),
  pipe: () => import("./workloads/messaging.mjs"),
  pool: () => import("./workloads/pool.mjs"),
  parallel: () => import("./workloads/parallel.mjs"),
  manager: () => import("./workloads/manager.mjs"),
  cluster: () => import("./workloads/cluster.mjs"),
};

export async function runBench({ areas = Object.keys(AREAS), smoke = false, repetitions = smoke ? 1 : 5, load = 0, only, log = console.log } = {}) {
  const unknown = areas.filter((a) => !AREAS[a]);
  if (unknown.length) throw new Error(`Unknown bench area ${unknown.join(", ")}; known: ${Object.keys(AREAS).join(", ")}`);
  const report = { date: new Date().toISOString(), machine: { ...machine(), load }, repetitions, smoke, workloads: [] };
  const stopLoad = load > 0 ? startLoad(load) : () => {};
  try {
    for (const area of areas) {
      const { workloads } = await AREAS[area]();
      for (const workload of workloads.filter((w) => w.area === area && (!only || w.name.includes(only)))) {
        const result = await runWorkload(workload, { repetitions, smoke });
        report.workloads.push(result);
        log(formatReport({ workloads: [result] }));
      }
    }
  } finally {
    stopLoad();
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const repsAt = args.indexOf("--reps");
  const repetitions = repsAt >= 0 ? Number(args[repsAt + 1]) : undefined;
  const valueOf = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const load = Number(valueOf("--load") ?? 0);
  if (!Number.isInteger(load) || load < 0) throw new Error(`--load takes a number of busy processes, got ${valueOf("--load")}`);
  const only = valueOf("--only");
  const areas = args.filter((a, i) => !a.startsWith("--") && !["--reps", "--load", "--only"].includes(args[i - 1]));
  const m = machine();
  console.log(`multiproc bench: Node ${m.node}, ${m.cpus} x ${m.cpuModel}, ${m.python ?? "no python3"}${smoke ? " (smoke)" : ""}${load ? `, ${load} busy processes beside it` : ""}`);
  const report = await runBench({ areas: areas.length ? areas : undefined, smoke, load, only, ...(repetitions ? { repetitions } : {}) });
  if (!smoke) {
    const dir = new URL("../results/", import.meta.url);
    mkdirSync(dir, { recursive: true });
    // A run of some areas keeps the other areas' figures from the last run.
    const name = load > 0 ? "latest-load" : "latest";
    const latest = new URL(`${name}.json`, dir);
    const earlier = existsSync(latest) ? JSON.parse(readFileSync(latest, "utf8")).workloads : [];
    // The areas run now replace their earlier figures (with --only, just the workloads run); the others keep theirs.
    const key = (w) => (only ? `${w.area}/${w.workload}` : w.area);
    const ran = new Set(report.workloads.map(key));
    report.workloads = [...earlier.filter((w) => !ran.has(key(w))), ...report.workloads];
    const json = `${JSON.stringify(report, null, 2)}\n`;
    writeFileSync(latest, json);
    writeFileSync(new URL(`${report.date.slice(0, 10)}${load > 0 ? "-load" : ""}.json`, dir), json);
    drawLatest(name);
    console.log(`\nresults written to tools/bench/results/${name}.json, chart to ${name}.svg`);
  }
}
