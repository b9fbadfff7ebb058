/**
 * The base of every multiproc error: a stable `name` (survives minification
 * and crossing threads) and a Node-style `code`.
 */
export class MultiprocError extends Error {
  /** Node-style error code, such as "ERR_MULTIPROC_VALUE"; the same in every thread. */
  readonly code: string;

  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  /** Always `"MultiprocError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "MultiprocError";
  }
}

/**
 * Misuse that Python reports as ValueError: releasing an unlocked Lock,
 * over-releasing a BoundedSemaphore, a closed object, a bad typecode or size.
 *
 * @example
 * ```ts
 * try { lock.release(); } catch (e) { if (e instanceof ValueError) ... }
 * ```
 */
export class ValueError extends MultiprocError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_VALUE", options);
  }

  /** Always `"ValueError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "ValueError";
  }
}

/**
 * A wait ran out of time where the API reports that as an error
 * (`AsyncResult.get`, `Future.result`, `asCompleted`).
 */
export class TimeoutError extends MultiprocError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_TIMEOUT", options);
  }

  /** Always `"TimeoutError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "TimeoutError";
  }
}

/**
 * An error thrown in another thread whose class cannot be rebuilt here (it is
 * not a built-in error and was not registered with `registerErrorClass`).
 * Its `name`, `message`, `stack`, `cause` and own properties are the original's;
 * `instanceof RemoteError` tells that the class itself was not rebuilt.
 */
export class RemoteError extends MultiprocError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_REMOTE", options);
  }

  /** Always `"RemoteError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "RemoteError";
  }
}
