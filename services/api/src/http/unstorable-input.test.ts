import { describe, expect, it } from 'vitest';
import { maxJsonDepth, unstorableInputOf } from './unstorable-input.ts';

const paths = (part: string, value: unknown) => unstorableInputOf(part, value).map((problem) => problem.path);

describe('unstorableInputOf', () => {
  it('finds U+0000 in values and keys at any depth, and nowhere else', () => {
    const body = { a: 'fine', b: ['x', 'y\u0000'], c: { 'k\u0000': 1, d: { e: '\u0000' } } };
    expect(paths('body', body).sort()).toEqual(['body.b.1', 'body.c.d.e', 'body.c.k\u0000']);
    expect(paths('querystring', { q: 'clean', n: 5, z: null })).toEqual([]);
  });

  it(`refuses nesting deeper than ${maxJsonDepth} levels, without exhausting the stack itself`, () => {
    const nestedIn = (depth: number) => {
      let nested: unknown = 'x';
      for (let level = 0; level < depth; level += 1) nested = [nested];
      return nested;
    };
    expect(unstorableInputOf('body', nestedIn(maxJsonDepth))).toEqual([]);
    expect(unstorableInputOf('body', nestedIn(200_000))).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/more than 256 levels/) }),
    ]);
  });
});
