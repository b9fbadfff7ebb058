// The reliability suite: every scenario in a process of its own, with a
// seeded generator for the random instants. `npm run stress` runs the long
// profile and prints a table; CI runs the short one (stress.test.ts).
//
//   node src/cli.mjs [--short] [--only <text>] [--seed <n>]
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SCENARIOS } from "./scenarios.mjs";

const RUNNER = fileURLToPath(new URL("./run-scenario.mjs", import.meta.url));
/** After its result, a scenario's process must end by itself this soon (nothing may keep it alive). */
const EXIT_WITHIN_MS = 5_000;
/** A scenario that takes longer than this per run has hung (unless it sets its own `perRunMs`). */
const PER_RUN_MS = 60_000;

function runOne(name, runs, seed, profile) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNNER, name, String(runs), String(seed), profile], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let result;
    let exitTimer;
    const budgetMs = (SCENARIOS[name].perRunMs ?? PER_RUN_MS) * runs + 30_000;
    let hung = false;
    const hang = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, budgetMs);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      if (line && !result) {
        result = JSON.parse(line.slice(7));
        exitTimer = setTimeout(() => {
          result.failures.push(`the process did not exit by itself within ${EXIT_WITHIN_MS / 1000} s of its last run`);
          child.kill("SIGKILL");
        }, EXIT_WITHIN_MS);
      }
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code, signal) => {
      clearTimeout(hang);
      clearTimeout(exitTimer);
      if (!result && hung) result = { failures: [`no result within ${budgetMs / 1000} s: hung, or too slow for its time budget (perRunMs)`] };
      if (!result) result = { failures: [`the process ended without a result (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").slice(-5).join(" | ")}`] };
      resolve({ name, runs, failures: result.failures });
    });
  });
}

/** Runs the scenarios (all, those whose name contains `only`, or those named in `names`) and returns one row per scenario. */
export async function runStress({ profile = "long", only, names, seed = 1, log = console.log } = {}) {
  const rows = [];
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    if ((only && !name.includes(only)) || (names && !names.includes(name))) continue;
    const started = performance.now();
    const row = await runOne(name, scenario[profile], seed, profile);
    row.seconds = (performance.now() - started) / 1000;
    rows.push(row);
    log(`${row.failures.length === 0 ? "ok  " : "FAIL"} ${name}: ${row.runs} runs, ${row.failures.length} failed (${row.seconds.toFixed(1)} s)`);
    for (const failure of row.failures.slice(0, 5)) log(`       ${failure}`);
  }
  return rows;
}

export function formatTable(rows) {
  const lines = ["| scenario | runs | failed |", "| --- | --- | --- |"];
  for (const row of rows) lines.push(`| ${row.name} | ${row.runs} | ${row.failures.length} |`);
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const rows = await runStress({ profile: args.includes("--short") ? "short" : "long", only: option("--only"), seed: Number(option("--seed") ?? 1) });
  console.log(`\n${formatTable(rows)}`);
  process.exitCode = rows.some((row) => row.failures.length > 0) ? 1 : 0;
}
