import { describe, isTaskRef, type TaskRef } from "@multiproc/core/internal";
import { TYPEIDS, type RegisteredType } from "./protocol.js";

/** Options of `Manager.register(typeid, factory, options)`. */
export interface RegisterOptions {
  /** The methods a proxy may call (Python's `exposed`); default: every public method (a name not starting with "_"). */
  exposed?: readonly string[] | undefined;
}

/** The types registered in this thread, by typeid: a manager started here serves these (those registered before it starts). */
const registered = new Map<string, RegisteredType>();

const RESERVED = new Set<string>([...TYPEIDS, "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event", "Barrier", "Queue", "JoinableQueue", "Value", "Array"]);

/**
 * Python's `BaseManager.register(typeid, callable, exposed=...)`: managers
 * started from now on in this thread make objects of `typeid` with
 * `factory` (a `task(url, name)` reference to a function or a class, which
 * the manager thread imports), and hand out proxies whose methods run there.
 * Registering a typeid again replaces it.
 */
export function registerType(typeid: string, factory: TaskRef, options: RegisterOptions = {}): void {
  if (typeof typeid !== "string" || !/^[A-Za-z_$][\w$]*$/.test(typeid)) throw new TypeError(`Expected \`typeid\` to be a name (letters, digits, _ and $), got ${describe(typeid)}`);
  if (RESERVED.has(typeid)) throw new TypeError(`"${typeid}" is one of the manager's own types: register your type under another name`);
  if (!isTaskRef(factory)) throw new TypeError(`Expected \`factory\` to be task(url, exportName) naming a function or class, got ${describe(factory)}: the manager imports it, it never runs code sent to it`);
  const exposed = options.exposed;
  if (exposed !== undefined && (!Array.isArray(exposed) || exposed.some((name) => typeof name !== "string"))) {
    throw new TypeError(`Expected \`exposed\` to be an array of method names, got ${describe(exposed)}`);
  }
  registered.set(typeid, { typeid, url: factory.url, exportName: factory.exportName, exposed: exposed && [...exposed] });
}

/** What a manager started now serves beyond its own types. */
export function registeredTypes(): RegisteredType[] {
  return [...registered.values()];
}
