import { z } from 'zod';

/** Largest secret value, in UTF-8 bytes. */
export const maxSecretValueBytes = 64 * 1024;

/**
 * A secret's name, as specs reference it: like an environment variable or a slug (a letter,
 * then letters, digits, `_` or `-`; at most 128 characters). Case-sensitive.
 */
export const secretNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,127}$/, 'a letter, then letters, digits, "_" or "-"; at most 128 characters');

/** A secret's value: any non-empty text up to {@link maxSecretValueBytes} bytes of UTF-8. */
export const secretValueSchema = z
  .string()
  .min(1)
  .refine((value) => new TextEncoder().encode(value).byteLength <= maxSecretValueBytes, {
    message: `at most ${maxSecretValueBytes} bytes of UTF-8`,
  });

/** What the API shows of a secret: everything but its value, which is write-only. */
export const secretSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    version: z.number().int().min(1).describe('1 at creation, +1 each time the value is replaced'),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Secret' });

/** A secret's metadata. */
export type Secret = z.output<typeof secretSchema>;
