import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { artifactNameSchema } from './artifact.ts';

describe('artifactNameSchema', () => {
  it('documents a pattern that accepts exactly the names its checks accept', () => {
    const { pattern } = z.toJSONSchema(artifactNameSchema, { io: 'input' }) as { pattern: string };
    const documented = new RegExp(pattern);
    const names = [
      'report.pdf',
      'résumé final.txt',
      '.hidden',
      '..x',
      '.',
      '..',
      ' lead',
      'trail ',
      'tab\tinside',
      'a/b',
      'a\\b',
      'bell\u0007',
      'line\u2028sep',
      'invoice\u202efdp.exe',
      '\ufeffbom',
      'c1\u0085',
      'emoji 🎉',
    ];
    for (const name of names) {
      expect.soft(documented.test(name), JSON.stringify(name)).toBe(artifactNameSchema.safeParse(name).success);
    }
  });
});
