// `--load N`: N busy processes beside the benchmark for its whole run, as a
// production machine's other work (each spins a core in a tight loop). The
// bench starts them before the first workload and kills them at the end,
// also when it fails or is interrupted.
import { spawn } from "node:child_process";

export function startLoad(n) {
  const children = Array.from({ length: n }, () => spawn(process.execPath, ["-e", "for (;;);"], { stdio: "ignore" }));
  const kill = () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.on("exit", kill);
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => (kill(), process.exit(130)));
  return kill;
}
