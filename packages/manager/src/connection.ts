import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Socket } from "node:net";
import { AuthenticationError } from "./errors.js";
import { FrameReader, writeFrame } from "./wire.js";

/**
 * One side of a remote manager's TCP connection: frames in and out, and
 * Python's mutual challenge-response (`multiprocessing.connection`'s
 * deliver_challenge / answer_challenge, in its HMAC-SHA256 form): each side
 * sends 40 random bytes, the other proves it knows the authkey with their
 * HMAC, and only then does either read a request. Before that, frames are
 * limited to 256 bytes (as Python's), so an unauthenticated peer cannot make
 * this side buffer anything.
 */

const CHALLENGE = Buffer.from("#CHALLENGE#");
const DIGEST = Buffer.from("{sha256}");
const WELCOME = Buffer.from("#WELCOME#");
const FAILURE = Buffer.from("#FAILURE#");
const NONCE_BYTES = 40;
/** The largest frame read before both sides are authenticated. */
const AUTH_LIMIT = 256;
/** A peer that has not authenticated by then is dropped. */
const AUTH_TIMEOUT_MS = 20_000;

export class Connection {
  readonly socket: Socket;
  readonly #reader = new FrameReader(AUTH_LIMIT);
  readonly #frames: Buffer[] = [];
  #waiter: { resolve: (frame: Buffer) => void; reject: (error: Error) => void } | undefined;
  #onFrame: ((frame: Buffer) => void) | undefined;
  #closed: Error | undefined;
  readonly #closeHandlers: ((reason: Error) => void)[] = [];

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = this.#reader.push(chunk);
      } catch (error) {
        socket.destroy(error as Error); // a frame over the limit: the peer does not follow the protocol
        return;
      }
      for (const frame of frames) this.#deliver(frame);
    });
    socket.on("error", () => {}); // reported through "close"
    socket.on("close", () => {
      const reason = this.#closed ?? new Error("the connection was closed");
      this.#closed = reason;
      this.#waiter?.reject(reason);
      this.#waiter = undefined;
      for (const handler of this.#closeHandlers) handler(reason);
    });
  }

  /** From now on, frames may be up to `bytes` long. */
  setLimit(bytes: number): void {
    this.#reader.limit = bytes;
  }

  /** Frames from now on go to `onFrame` (those already read first), in order. */
  listen(onFrame: (frame: Buffer) => void): void {
    this.#onFrame = onFrame;
    for (const frame of this.#frames.splice(0)) onFrame(frame);
  }

  /** `handler` runs once the connection is closed (by either side, or broken). */
  onClose(handler: (reason: Error) => void): void {
    if (this.#closed) handler(this.#closed);
    else this.#closeHandlers.push(handler);
  }

  get closed(): boolean {
    return this.#closed !== undefined || this.socket.destroyed;
  }

  send(payload: Uint8Array): void {
    if (!this.closed) writeFrame(this.socket, payload);
  }

  close(): void {
    this.socket.destroy();
  }

  /** The next frame, for the handshake. */
  #next(): Promise<Buffer> {
    const frame = this.#frames.shift();
    if (frame) return Promise.resolve(frame);
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #deliver(frame: Buffer): void {
    if (this.#onFrame) this.#onFrame(frame);
    else if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve(frame);
    } else this.#frames.push(frame);
  }

  /**
   * The listening side's handshake: challenge the peer, then answer its
   * challenge. Rejects with AuthenticationError (after telling the peer)
   * when the peer does not know the key.
   */
  async acceptPeer(authkey: Buffer, peer: string): Promise<void> {
    await this.#handshake(peer, async () => {
      await this.#deliverChallenge(authkey, peer);
      await this.#answerChallenge(authkey, peer);
    });
  }

  /** The connecting side's handshake: answer the listener's challenge, then challenge it. */
  async connectToPeer(authkey: Buffer, peer: string): Promise<void> {
    await this.#handshake(peer, async () => {
      await this.#answerChallenge(authkey, peer);
      await this.#deliverChallenge(authkey, peer);
    });
  }

  async #handshake(peer: string, steps: () => Promise<void>): Promise<void> {
    const timer = setTimeout(() => this.socket.destroy(new AuthenticationError(`${peer} did not authenticate within ${AUTH_TIMEOUT_MS / 1000} s`)), AUTH_TIMEOUT_MS);
    try {
      await steps();
    } catch (error) {
      if (error instanceof AuthenticationError) {
        this.#closed ??= error;
        this.socket.end(); // lets the FAILURE frame out first
      } else this.socket.destroy();
      throw error instanceof AuthenticationError ? error : new AuthenticationError(`The handshake with ${peer} failed: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async #deliverChallenge(authkey: Buffer, peer: string): Promise<void> {
    const message = Buffer.concat([DIGEST, randomBytes(NONCE_BYTES)]);
    this.send(Buffer.concat([CHALLENGE, message]));
    const response = await this.#next();
    const expected = respond(authkey, message);
    if (response.length === expected.length && timingSafeEqual(response, expected)) {
      this.send(WELCOME);
      return;
    }
    this.send(FAILURE);
    throw new AuthenticationError(`${peer} answered the authentication challenge wrongly: its authkey is not this one`);
  }

  async #answerChallenge(authkey: Buffer, peer: string): Promise<void> {
    const challenge = await this.#next();
    if (!challenge.subarray(0, CHALLENGE.length).equals(CHALLENGE)) throw new AuthenticationError(`${peer} sent no authentication challenge: it is not a multiproc manager`);
    const message = challenge.subarray(CHALLENGE.length);
    if (!message.subarray(0, DIGEST.length).equals(DIGEST)) throw new AuthenticationError(`${peer} asked for an unsupported digest: ${message.subarray(0, 16).toString("latin1")}`);
    this.send(respond(authkey, message));
    const verdict = await this.#next();
    if (verdict.equals(WELCOME)) return;
    throw new AuthenticationError(`${peer} refused this authkey (the digest did not match)`);
  }
}

/** `{sha256}` + HMAC-SHA256 of the whole challenge message, as Python 3.12's `_create_response`. */
function respond(authkey: Buffer, message: Buffer): Buffer {
  return Buffer.concat([DIGEST, createHmac("sha256", authkey).update(message).digest()]);
}
