// Adds up the vitest JSON reports of every package into the one closing line
// CI reads: "N passed, N failed, N skipped". Exits 1 if anything failed or
// nothing ran.
import { existsSync, readdirSync, readFileSync } from "node:fs";

const roots = ["packages", "tools", "."];
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const root of roots) {
  for (const dir of readdirSync(root)) {
    const file = `${root}/${dir}/.vitest/results.json`;
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    reports++;
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0) + (report.numFailedTestSuites ?? 0);
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 || reports === 0 ? 1 : 0);
