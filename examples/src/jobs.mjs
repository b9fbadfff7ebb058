import { currentProcess } from "multiproc";

/** n! as a bigint, printed from the worker with the name of the process that computed it. */
export function factorial(n) {
  let result = 1n;
  for (let i = 2n; i <= BigInt(n); i++) result *= i;
  console.log(`[${currentProcess().name}] ${n}! = ${result}`);
  return result;
}

export function fail(message) {
  throw new RangeError(message);
}

/** The number of decimal digits of n!, computed quietly (for the pool examples). */
export function factorialDigits(n) {
  let result = 1n;
  for (let i = 2n; i <= BigInt(n); i++) result *= i;
  return String(result).length;
}

/** √x, for the joblib example (Python's `math.sqrt`). */
export function sqrt(x) {
  return Math.sqrt(x);
}

/** Whether n is prime, by trial division: a CPU-bound call for the joblib example. */
export function isPrime(n) {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
