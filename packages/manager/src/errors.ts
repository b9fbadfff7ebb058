import { MultiprocError, registerErrorClass } from "@multiproc/core/internal";

/** A dict proxy's `pop(key)` or `popitem()` found no such key, as Python's KeyError. */
export class KeyError extends MultiprocError {
  constructor(message = "No such key", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_KEY", options);
  }

  /** Always `"KeyError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "KeyError";
  }
}

/**
 * The manager was shut down (or its thread ended): a proxy can no longer
 * reach its object, and the manager makes no more. Python's proxies raise a
 * connection error there; this says what happened.
 */
export class ManagerClosedError extends MultiprocError {
  constructor(message = "The manager was shut down", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_MANAGER_CLOSED", options);
  }

  /** Always `"ManagerClosedError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "ManagerClosedError";
  }
}

/**
 * A remote manager and its peer do not share an authkey (Python's
 * `multiprocessing.AuthenticationError`): the connection is closed before
 * either side reads a request.
 */
export class AuthenticationError extends MultiprocError {
  constructor(message = "Authentication failed", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_AUTHENTICATION", options);
  }

  /** Always `"AuthenticationError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "AuthenticationError";
  }
}

for (const cls of [KeyError, ManagerClosedError, AuthenticationError]) registerErrorClass(cls);
