import { describe, expect, it } from "vitest";
import { deserializeError, registerErrorClass, RemoteError, serializeError, TimeoutError, ValueError } from "@multiproc/core/internal";

const cross = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

class ValidationError extends Error {
  override name = "ValidationError";
}

describe("serializeError() / deserializeError()", () => {
  it("rebuilds built-in and multiproc classes with message, stack, cause and own properties", () => {
    const original = Object.assign(new RangeError("out", { cause: new TypeError("inner") }), { code: "E_OUT", detail: { n: 1 } });
    const error = cross(original) as RangeError & { code: string; detail: unknown; cause: Error };
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe("out");
    expect(error.stack).toBe(original.stack);
    expect(error.code).toBe("E_OUT");
    expect(error.detail).toEqual({ n: 1 });
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.cause.message).toBe("inner");
    const value = cross(new ValueError("bad"));
    expect(value).toBeInstanceOf(ValueError);
    expect(value.name).toBe("ValueError");
    expect((value as ValueError).code).toBe("ERR_MULTIPROC_VALUE");
    expect(cross(new TimeoutError("late"))).toBeInstanceOf(TimeoutError);
  });

  it("keeps the name of a class it cannot rebuild, as a RemoteError", () => {
    const error = cross(Object.assign(new (class CustomError extends Error {})("x"), { name: "CustomError", extra: 2 }));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.name).toBe("CustomError");
    expect((error as unknown as { extra: number }).extra).toBe(2);
  });

  it("keeps an error whose name is an Object.prototype member (toString, constructor, __proto__) an Error", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      const error = cross(Object.assign(new Error("named oddly"), { name }));
      expect(error, name).toBeInstanceOf(RemoteError);
      expect(error.name).toBe(name);
      expect(error.message).toBe("named oddly");
    }
  });

  it("keeps an `errors` property of an error that is not an AggregateError (a validation library's list of problems)", () => {
    const problems = [{ path: "/age", message: "must be >= 0" }];
    const error = cross(Object.assign(new TypeError("invalid"), { errors: problems })) as TypeError & { errors: unknown };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.errors).toEqual(problems);
    const aggregate = cross(new AggregateError([new RangeError("one")], "many")) as AggregateError;
    expect(aggregate.errors[0]).toBeInstanceOf(RangeError);
  });

  it("rebuilds registered classes", () => {
    registerErrorClass(ValidationError);
    expect(cross(new ValidationError("nope"))).toBeInstanceOf(ValidationError);
  });

  it("carries AggregateError's errors and non-Error throws", () => {
    const aggregate = cross(new AggregateError([new Error("a"), new TypeError("b")], "many")) as AggregateError;
    expect(aggregate).toBeInstanceOf(AggregateError);
    expect(aggregate.errors.map((e: Error) => e.name)).toEqual(["Error", "TypeError"]);
    const thrown = cross("plain string") as Error & { thrown: unknown };
    expect(thrown.message).toBe("plain string");
    expect(thrown.thrown).toBe("plain string");
    expect((cross({ some: "object" }) as Error & { thrown: unknown }).thrown).toEqual({ some: "object" });
  });

  it("turns unsendable properties into strings and survives cyclic causes", () => {
    const error = Object.assign(new Error("f"), { fn: () => 1 });
    (error as Error & { cause: unknown }).cause = error;
    const rebuilt = cross(error) as Error & { fn: unknown };
    expect(typeof rebuilt.fn).toBe("string");
  });
});
