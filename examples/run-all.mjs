// `npm start`: runs every example in turn, each as its own Node process.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const dir = new URL("./src/", import.meta.url);
const examples = readdirSync(dir).filter((f) => f.endsWith(".mjs") && f !== "jobs.mjs" && !f.startsWith("_"));
for (const file of examples.sort()) {
  console.log(`\n=== examples/src/${file}`);
  execFileSync(process.execPath, [new URL(file, dir).pathname], { stdio: "inherit" });
}
console.log(`\n${examples.length} examples ran.`);
