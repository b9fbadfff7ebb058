// One scenario in a process of its own: `node run-scenario.mjs <name> <runs> <seed> <profile>`.
// Prints one line, `RESULT {"failures": [...]}`, then must exit by itself.
import { SCENARIOS } from "./scenarios.mjs";

const [name, runsText, seedText, profile] = process.argv.slice(2);
const scenario = SCENARIOS[name];
if (!scenario) throw new Error(`Unknown scenario ${name}`);

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function rngFrom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const failures = [];
const runs = Number(runsText);
const seed = Number(seedText);
// Warnings about abandoned locks are the expected outcome here, not news.
process.removeAllListeners("warning");
if (scenario.batch) {
  try {
    failures.push(...(await scenario.batch(rngFrom(seed), runs)).map((failure) => `seed ${seed}: ${failure}`));
  } catch (error) {
    failures.push(`seed ${seed}: threw ${error?.stack ?? error}`);
  }
}
for (let i = 0; i < (scenario.batch ? 0 : runs); i++) {
  try {
    const failure = await ((profile === "long" && scenario.longRun) || scenario.run)(rngFrom(seed + i), i);
    if (failure) failures.push(`run ${i} (seed ${seed + i}): ${failure}`);
  } catch (error) {
    failures.push(`run ${i} (seed ${seed + i}): threw ${error?.stack ?? error}`);
  }
}
console.log(`RESULT ${JSON.stringify({ failures })}`);
