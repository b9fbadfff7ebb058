// `npm test` needs a real redis-server (the cluster tests start their own,
// never a mock): installs Debian's package when it is missing and this
// machine can (root with apt-get), as `.ci/run` does; otherwise says how.
import { execFileSync } from "node:child_process";

const has = (command) => {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

if (!has("redis-server")) {
  if (process.getuid?.() === 0 && has("apt-get")) {
    console.log("redis-server is missing: installing Debian's package (apt-get install redis-server)");
    execFileSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server"], { stdio: "inherit" });
  } else {
    console.error("npm test needs redis-server on the PATH (the cluster tests start real servers): `sudo apt-get install redis-server` on Debian or Ubuntu, `brew install redis` on macOS");
    process.exit(1);
  }
}
