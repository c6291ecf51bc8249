import { describe, expect, it } from 'vitest';
import { evaluateArithmetic } from './arithmetic.ts';

describe('evaluateArithmetic', () => {
  it.each([
    ['6 * 7', 42],
    ['(2 + 3) * 4', 20],
    ['2 ^ 3 ^ 2', 512],
    ['-3 + 10 % 4', -1],
    ['1.5e2 / .5', 300],
  ])('%s = %d', (expression, value) => {
    expect(evaluateArithmetic(expression)).toBe(value);
  });

  it.each(['1 +', 'process.exit()', '(1', '1 / 0', ''])('rejects %j', (expression) => {
    expect(() => evaluateArithmetic(expression)).toThrow();
  });
});
