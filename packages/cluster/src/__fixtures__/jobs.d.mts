// Types of the fixture tasks the cluster tests import.
export declare class ValidationError extends Error {
  field?: string;
}
export declare function add(a: number, b: number): number;
export declare function square(x: number): number;
export declare function tenfoldBut3(n: number): number;
export declare function whoAmI(tag: string): { tag: string; pid: number };
export declare function sleep<T>(ms: number, value: T): Promise<T>;
export declare function fail(message: string): never;
export declare function exitNow(code: number): never;
export declare function reportAndSleep(path: string, ms: number): Promise<number>;
export declare function killMyProcess(): never;
export declare function failUnregistered(message: string): never;
export declare function reportAndSpin(path: string, ms: number): Promise<number>;
export declare function returnUnsendable(what: "lock" | "shared" | "function"): Promise<unknown>;
