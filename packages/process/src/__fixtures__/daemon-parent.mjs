// Starts a never-ending process, daemon or not as argv[2] says. The only
// thing that can keep this script alive is that process: the timer below is
// unref'd, so "terminated" is printed only when a non-daemon kept us alive.
import { Process } from "@multiproc/process";

const daemon = process.argv[2] === "daemon";
const p = new Process({ target: () => new Promise(() => setInterval(() => {}, 1000)), daemon });
p.start();
console.log(`started daemon=${p.daemon}`);
setTimeout(async () => {
  await p.terminate();
  console.log("terminated");
}, 200).unref();
