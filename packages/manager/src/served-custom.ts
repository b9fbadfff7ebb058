import { resolveTask, type TaskSpec } from "@multiproc/core/internal";
import type { RegisteredType } from "./protocol.js";

type AnyFunction = (...args: unknown[]) => unknown;

/** The manager side of the registered types: making their objects and calling their exposed methods. */
export class CustomTypes {
  readonly #types: Map<string, RegisteredType>;

  constructor(types: readonly RegisteredType[]) {
    this.#types = new Map(types.map((t) => [t.typeid, t]));
  }

  has(typeid: string): boolean {
    return this.#types.has(typeid);
  }

  /** A new object of `typeid`: its factory's result, or a new instance when the factory is a class. */
  async create(typeid: string, args: unknown[]): Promise<unknown> {
    const type = this.#types.get(typeid)!;
    const spec: TaskSpec = { by: "ref", url: type.url, exportName: type.exportName };
    const factory = (await resolveTask(spec)) as AnyFunction & (new (...args: unknown[]) => unknown);
    return isClass(factory) ? new factory(...args) : factory(...args);
  }

  /** Calls `method` of an object of `typeid`, if the type exposes it. */
  call(typeid: string, object: unknown, method: string, args: unknown[]): unknown {
    const type = this.#types.get(typeid)!;
    const fn = (object as Record<string, unknown>)[method];
    const allowed = type.exposed ? type.exposed.includes(method) : publicMethods(object).has(method);
    if (!allowed || typeof fn !== "function") {
      throw new TypeError(`A ${typeid} proxy has no method "${method}"${type.exposed ? ` (it exposes ${type.exposed.join(", ") || "nothing"})` : ""}`);
    }
    return (fn as AnyFunction).apply(object, args);
  }
}

function isClass(fn: AnyFunction): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

/**
 * Python's default `exposed`: the object's methods whose names do not start
 * with "_", its own and its classes' (never Object.prototype's, such as
 * `hasOwnProperty` or `constructor`).
 */
function publicMethods(object: unknown): Set<string> {
  const names = new Set<string>();
  for (let o = object as object | null; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === "constructor" || name.startsWith("_")) continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      if (typeof descriptor?.value === "function") names.add(name);
    }
  }
  return names;
}
