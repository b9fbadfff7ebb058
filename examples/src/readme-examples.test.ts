// The README examples run as written: the first `js` block of the root
// README and of each package README's Usage section is written next to the
// examples (so `./jobs.mjs` resolves), run with Node, and must exit 0 by
// itself. Each package README's install line names every package its
// example imports.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url);
const HERE = new URL("./", import.meta.url);

function firstJsBlock(markdown: string, after = ""): string | undefined {
  const from = after ? markdown.indexOf(after) : 0;
  if (from < 0) return undefined;
  return /```js\n([\s\S]*?)```/.exec(markdown.slice(from))?.[1];
}

const readmes = [
  { name: "README.md", text: readFileSync(new URL("README.md", ROOT), "utf8"), section: "" },
  ...readdirSync(new URL("packages/", ROOT)).map((pkg) => ({
    name: `packages/${pkg}/README.md`,
    text: readFileSync(new URL(`packages/${pkg}/README.md`, ROOT), "utf8"),
    section: "## Usage",
  })),
].filter((readme) => firstJsBlock(readme.text, readme.section) !== undefined);

describe("README examples", () => {
  it("exist for the root README and every package with a Usage section", () => {
    expect(readmes.map((r) => r.name)).toEqual(expect.arrayContaining(["README.md", "packages/queue/README.md", "packages/pool/README.md"]));
  });

  for (const { name, text, section } of readmes) {
    it(`${name}: the example runs as written and exits by itself`, async () => {
      // Per process: the Node 22/24 matrix runs this suite while the Node 20 run may be running it too.
      const file = new URL(`_readme-${name.replaceAll("/", "-").replace(/\.md$/, "")}-${process.pid}.mjs`, HERE);
      writeFileSync(file, firstJsBlock(text, section)!);
      try {
        const { stderr } = await run(process.execPath, [file.pathname], { cwd: HERE.pathname, timeout: 60_000 });
        expect(stderr).toBe("");
      } finally {
        rmSync(file, { force: true });
      }
    });

    if (section) {
      it(`${name}: the install line names every package the example imports`, () => {
        const example = firstJsBlock(text, section)!;
        const imported = [...example.matchAll(/from "((?:@multiproc\/)?[\w-]+)"/g)].map((m) => m[1]!).filter((p) => p === "multiproc" || p.startsWith("@multiproc/"));
        const install = /## Installation[\s\S]*?```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
        for (const pkg of new Set(imported)) expect(install, `${name} installs ${pkg}`).toContain(pkg);
      });
    }
  }
});
