// Node binaries for other versions, from the npm registry (the node-<os>-<arch>
// packages hold the official builds), unpacked once into .cache/.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const CACHE = fileURLToPath(new URL("../.cache/", import.meta.url));

/** The path of the `node` binary of `version` (exact, e.g. "22.23.5"), downloaded on first use. */
export async function nodeBinary(version) {
  const dir = join(CACHE, `node-${version}`);
  const bin = join(dir, "package", "bin", "node");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const name = `node-${process.platform}-${process.arch}@${version}`;
  await run("npm", ["pack", name, "--silent", "--pack-destination", dir], { timeout: 240_000 });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack ${name} gave no tarball`);
  await run("tar", ["xzf", join(dir, tarball), "-C", dir]);
  return bin;
}
