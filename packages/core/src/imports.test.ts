import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Each package's source files (not tests, not fixtures), with the relative modules each imports at run time. */
function sourceGraph(pkg: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const src = join(packagesDir, pkg, "src");
  for (const entry of readdirSync(src, { recursive: true, encoding: "utf8" })) {
    if (!entry.endsWith(".ts") || entry.endsWith(".test.ts") || entry.includes("__fixtures__")) continue;
    const file = join(src, entry);
    const text = readFileSync(file, "utf8");
    // `import type` is erased, so it cannot make a cycle at run time.
    const imports = [...text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+"(\.[^"]+)"/gm)];
    graph.set(file, imports.map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts"))));
  }
  return graph;
}

/** One path per import cycle found (a back edge of a depth-first walk). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe("package sources", () => {
  const packages = readdirSync(packagesDir);

  it.each(packages)("%s has no import cycle", (pkg) => {
    const graph = sourceGraph(pkg);
    expect(graph.size).toBeGreaterThan(0);
    expect(cycles(graph).map((cycle) => cycle.map((file) => relative(packagesDir, file)).join(" -> "))).toEqual([]);
  });

  it.each(packages)("%s reaches other packages only through their entry points", (pkg) => {
    for (const file of sourceGraph(pkg).keys()) {
      const text = readFileSync(file, "utf8");
      // (@multiproc/test-utils is the private test helpers, whose subpaths such as /redis are declared entry points.)
      const deep = [...text.matchAll(/from\s+"(@multiproc\/(?!test-utils\/)[^"/]+\/(?!internal")[^"]*|\.\.\/\.\.\/[^"]*)"/g)].map((m) => m[1]);
      expect(deep, relative(packagesDir, file)).toEqual([]);
      if (pkg !== "queue") expect(text, relative(packagesDir, file)).not.toMatch(/Symbol\.for\("multiproc\.queue/);
    }
  });
});
