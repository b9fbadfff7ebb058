import { describe } from "../errors/describe.js";

/**
 * An options object, checked: an object (or undefined, read as {}), and no
 * name outside `known`. A misspelt option would otherwise be ignored in
 * silence (`{ procesess: 4 }` runs with the default), so it is a TypeError
 * that names it, the closest known name, and every known one.
 */
export function checkOptionNames<T extends object>(options: T | undefined, what: string, known: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Expected ${what} to be an object like { ${known.join(", ")} }, got ${describe(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw unknownOption(name, what, known);
  }
  return options;
}

function unknownOption(name: string, what: string, known: readonly string[]): TypeError {
  const closest = known.map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
  const hint = closest && closest.d <= Math.max(2, Math.floor(closest.k.length / 3)) ? ` Did you mean \`${closest.k}\`?` : "";
  return new TypeError(`Unknown option \`${name}\` in ${what}.${hint} The options are: ${known.join(", ")}.`);
}

/** Levenshtein distance, for the hint. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
