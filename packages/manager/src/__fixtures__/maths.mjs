// A class and a factory for Manager.register, as Python's MathsClass example.
export class MathsClass {
  #calls = 0;
  add(x, y) {
    this.#calls++;
    return x + y;
  }
  mul(x, y) {
    this.#calls++;
    return x * y;
  }
  async later(x) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return x * 2;
  }
  calls() {
    return this.#calls;
  }
  _hidden() {
    return "hidden";
  }
}

export function makeCounter(start = 0) {
  let value = start;
  return { increment: (by = 1) => (value += by), value: () => value };
}
