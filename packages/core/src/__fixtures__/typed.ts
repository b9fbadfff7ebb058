export const triple = (x: number): number => x * 3;
