import { loadDeferredPackages } from "../handle/deferred.js";
import { coreState } from "../state.js";
import { MultiprocError, RemoteError, TimeoutError, ValueError } from "./errors.js";

/**
 * An error as it crosses threads: plain data that structured clone and the
 * codec carry. `thrown` marks a non-Error value that was thrown.
 */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  cause?: SerializedError | { value: unknown };
  errors?: SerializedError[];
  props: Record<string, unknown>;
  thrown?: unknown;
}

const BUILT_INS: Record<string, new (message?: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

for (const cls of [MultiprocError, ValueError, TimeoutError, RemoteError]) registerErrorClass(cls);

/**
 * Lets errors of `cls` be rebuilt as instances of `cls` when they arrive from
 * another thread. Register it in every thread that receives them (the module
 * that defines the class is a good place). Classes are matched by `name`.
 *
 * @example
 * ```ts
 * export class ValidationError extends Error { name = "ValidationError" }
 * registerErrorClass(ValidationError);
 * ```
 */
export function registerErrorClass(cls: new (...args: never[]) => Error, name?: string): void {
  const key = name ?? (Object.create(cls.prototype) as Error).name ?? cls.name;
  coreState().errorClasses.set(key === "Error" ? cls.name : key, cls);
}

/** Plain data for `error`, whatever was thrown; never throws. */
export function serializeError(error: unknown, seen = new Set<unknown>()): SerializedError {
  if (!(error instanceof Error)) {
    return { name: "Error", message: describeThrown(error), stack: undefined, props: {}, thrown: sendableOrString(error) };
  }
  seen.add(error);
  const out: SerializedError = {
    name: safeString(() => error.name, "Error"),
    message: safeString(() => error.message, ""),
    stack: safeString(() => error.stack, "") || undefined,
    props: {},
  };
  // An AggregateError's `errors` travel as errors (below); any other error's `errors` (ajv's ValidationError, say) is a property like the rest.
  const aggregate = error instanceof AggregateError && Array.isArray(error.errors);
  for (const key of Object.keys(error)) {
    if (key === "cause" || (key === "errors" && aggregate) || key === "name" || key === "message" || key === "stack") continue;
    try {
      out.props[key] = sendableOrString((error as unknown as Record<string, unknown>)[key]);
    } catch {
      // A throwing getter: leave the property out.
    }
  }
  if ("cause" in error && !seen.has(error.cause)) {
    out.cause = error.cause instanceof Error ? serializeError(error.cause, seen) : { value: sendableOrString(error.cause) };
  }
  if (aggregate) {
    out.errors = (error as AggregateError).errors.map((e) => serializeError(e, seen));
  }
  return out;
}

/**
 * Rebuilds an error from `serializeError` output: its own class when the
 * class is built in or registered, else a `RemoteError` that keeps the name.
 * The stack is the one captured in the other thread.
 */
export function deserializeError(data: SerializedError): Error {
  if ("thrown" in data && data.stack === undefined && data.name === "Error" && Object.keys(data.props).length === 0) {
    // A thrown non-Error value: the caller gets an Error that carries it.
    const error = new RemoteError(data.message);
    Object.defineProperty(error, "name", { value: "Error", configurable: true, writable: true });
    (error as unknown as { thrown: unknown }).thrown = data.thrown;
    return error;
  }
  const cls = data.errors ? AggregateError : errorClass(data.name);
  const error = cls ? (Object.create(cls.prototype) as Error) : new RemoteError(data.message);
  define(error, "message", data.message);
  if (error.name !== data.name) define(error, "name", data.name);
  define(error, "stack", data.stack ?? `${data.name}: ${data.message}`);
  if (data.cause) define(error, "cause", "value" in data.cause ? data.cause.value : deserializeError(data.cause));
  if (data.errors) define(error, "errors", data.errors.map(deserializeError));
  for (const [key, value] of Object.entries(data.props)) (error as unknown as Record<string, unknown>)[key] = value;
  return error;
}

/** The class registered (or built in) for an error's name; an unknown name may be a class of a package this worker has not loaded yet. */
function errorClass(name: string): (new (...args: never[]) => Error) | undefined {
  const { errorClasses } = coreState();
  // Own keys only: an error named "toString" or "constructor" must not find Object.prototype's members.
  const builtIn = Object.hasOwn(BUILT_INS, name) ? BUILT_INS[name] : undefined;
  return errorClasses.get(name) ?? builtIn ?? (loadDeferredPackages() ? errorClasses.get(name) : undefined);
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });
}

function safeString(read: () => unknown, fallback: string): string {
  try {
    const value = read();
    return typeof value === "string" ? value : fallback;
  } catch {
    return fallback;
  }
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === "string" ? value : `a non-Error value was thrown: ${String(value)}`;
  } catch {
    return "a non-Error value was thrown";
  }
}

/** `value` if structured clone can carry it, else its string form. */
function sendableOrString(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch {
    return safeString(() => String(value), "[unsendable value]");
  }
}
