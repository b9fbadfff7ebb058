export const square = (x) => x * x;
export async function slowDouble(x) {
  await new Promise((resolve) => setImmediate(resolve));
  return 2 * x;
}
export const notAFunction = 42;
