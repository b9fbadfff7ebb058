#!/usr/bin/env node
// Draws results/latest.json as an SVG bar chart (results/latest.svg): one
// group per workload, one bar per contender, each bar's length its median
// relative to the fastest contender of that workload (so workloads with
// different units share one picture), labelled with the figure itself.
// `npm run bench` redraws it after each full run; `node src/chart.mjs` redraws it alone.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { formatRate } from "./harness.mjs";

const ROW = 18;
const GAP = 14;
const LABEL = 290;
const BAR = 360;
const WIDTH = LABEL + BAR + 130;

const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The SVG text for a report ({ date, machine, workloads }). */
export function chart(report) {
  const parts = [];
  let y = 48;
  for (const w of report.workloads) {
    const ran = w.results.filter((r) => !r.skip);
    if (ran.length === 0) continue;
    const best = Math.max(...ran.map((r) => r.median));
    parts.push(`<text x="8" y="${y}" class="title">${escape(`${w.area} / ${w.workload}`)}</text>`);
    y += 6;
    for (const r of ran) {
      const length = Math.max(1, Math.round((r.median / best) * BAR));
      const fill = r.peer ? (r.contender.startsWith("Python") ? "#8a9bb0" : "#b0b8c4") : "#2f6fdf";
      parts.push(
        `<text x="${LABEL - 6}" y="${y + 13}" class="label">${escape(r.contender)}</text>`,
        `<rect x="${LABEL}" y="${y + 2}" width="${length}" height="${ROW - 4}" fill="${fill}"/>`,
        `<text x="${LABEL + length + 6}" y="${y + 13}" class="value">${escape(formatRate(r.median, w.show))}</text>`,
      );
      y += ROW;
    }
    y += GAP + 12;
  }
  const m = report.machine;
  const header = `multiproc vs peers: bar length = median relative to the fastest in each workload (blue: multiproc). Node ${m.node}, ${m.cpus} x ${m.cpuModel}, ${m.python ?? "no python3"}${m.load ? `, ${m.load} busy processes beside it` : ", idle"}, ${report.date.slice(0, 10)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif">`,
    `<style>.title{font-size:13px;font-weight:bold}.label{font-size:11px;text-anchor:end}.value{font-size:11px}.head{font-size:11px;fill:#555}</style>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="20" class="head">${escape(header)}</text>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}

/** Draws results/<name>.svg from results/<name>.json ("latest", or "latest-load" for a run under --load). */
export function drawLatest(name = "latest") {
  const dir = new URL("../results/", import.meta.url);
  const report = JSON.parse(readFileSync(new URL(`${name}.json`, dir), "utf8"));
  writeFileSync(new URL(`${name}.svg`, dir), chart(report));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of ["latest", "latest-load"]) {
    if (!existsSync(new URL(`../results/${name}.json`, import.meta.url))) continue;
    drawLatest(name);
    console.log(`chart written to tools/bench/results/${name}.svg`);
  }
}
