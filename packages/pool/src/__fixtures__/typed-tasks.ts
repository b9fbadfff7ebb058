interface Scaled {
  readonly factor: number;
}

export function scale(n: number, options: Scaled): number {
  return (n * options.factor) satisfies number;
}
