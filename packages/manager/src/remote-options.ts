import { describe } from "@multiproc/core/internal";

/** A TCP address, as Python's `(host, port)`: `["127.0.0.1", 50000]`; host `""` listens on every interface, port 0 picks a free one. */
export type Address = readonly [host: string, port: number];

/** What a remote manager and its clients share: where, the key, and how big a message may be. */
export interface RemoteOptions {
  /** Where the manager listens (`Manager()`) or is (`Manager.connect()`). */
  address: Address;
  /** The shared secret both sides prove they know (Python's `authkey`): a string (UTF-8) or bytes, never empty. */
  authkey: string | Uint8Array;
  /** The largest message either side accepts, in bytes (default 64 MiB); a larger one is a RangeError for its sender. */
  maxMessageSize?: number;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
/** The frame header stores lengths in 32 bits. */
const MAX_MESSAGE_SIZE = 2 ** 32 - 1;

/** Checked, plain remote options (sendable to a thread). */
export interface Remote {
  host: string;
  port: number;
  authkey: Uint8Array;
  maxMessageSize: number;
}

/** Checks the remote options of `what` ("Manager options", "Manager.connect options"); `listening` allows port 0 and host "". */
export function toRemote(options: Partial<RemoteOptions>, what: string, listening: boolean): Remote {
  const { address, authkey, maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE } = options;
  if (!Array.isArray(address) || address.length !== 2 || typeof address[0] !== "string") {
    throw new TypeError(`Expected ${what}.address to be [host, port], got ${describe(address)}`);
  }
  const [host, port] = address as [string, unknown];
  if (!Number.isInteger(port)) throw new TypeError(`Expected the port in ${what}.address to be an integer, got ${describe(port)}`);
  if ((port as number) < (listening ? 0 : 1) || (port as number) > 65535) throw new RangeError(`Expected the port in ${what}.address to be ${listening ? 0 : 1}–65535, got ${port as number}`);
  if (!listening && host === "") throw new TypeError(`Expected a host in ${what}.address: "" (every interface) only makes sense for a manager that listens`);
  let key: Uint8Array;
  if (typeof authkey === "string") key = new TextEncoder().encode(authkey);
  else if (authkey instanceof Uint8Array) key = new Uint8Array(authkey);
  else {
    throw new TypeError(
      `Expected ${what}.authkey to be a string or bytes, got ${describe(authkey)}: a manager on a network address serves only peers that know its key (Python's authkey)`,
    );
  }
  if (key.length === 0) throw new TypeError(`Expected ${what}.authkey not to be empty`);
  if (!Number.isInteger(maxMessageSize)) throw new TypeError(`Expected ${what}.maxMessageSize to be an integer, got ${describe(maxMessageSize)}`);
  if (maxMessageSize < 1024 || maxMessageSize > MAX_MESSAGE_SIZE) throw new RangeError(`Expected ${what}.maxMessageSize to be 1024–${MAX_MESSAGE_SIZE}, got ${maxMessageSize}`);
  return { host, port: port as number, authkey: key, maxMessageSize };
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatAddress(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}
