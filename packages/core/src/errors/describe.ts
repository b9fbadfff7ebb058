/** A value as an error message shows it: `"abc"`, `an object (Map)`, `a function (f)`, `12n`. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "function") return `a function${value.name ? ` (${value.name})` : ""}`;
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  if (typeof value === "bigint") return `${value}n`;
  return typeof value === "symbol" ? value.toString() : String(value);
}
