import { z } from 'zod';
import { secretNameSchema } from './secret.ts';

/**
 * A header value taken from a tenant secret at call time: `prefix` then the secret's value
 * (`{ secret: "CRM_TOKEN", prefix: "Bearer " }`). The spec names the secret; the value is
 * read inside the tool call and never stored with the run.
 */
export const secretHeaderSchema = z.strictObject({
  secret: secretNameSchema.describe('Name of a secret of the tenant (POST /v1/secrets)'),
  prefix: z.string().max(256).default('').describe('Sent before the value, e.g. "Bearer "'),
});

/** A header of an HTTP tool: literal text, or a value from a secret. */
export const httpHeaderValueSchema = z.union([z.string().max(4096), secretHeaderSchema]);

/** The name of a header a spec sets on outgoing requests. */
export const headerNameSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** A header of an HTTP tool whose value comes from a secret. */
export type SecretHeader = z.output<typeof secretHeaderSchema>;

/** Where the runtime sends requests for a spec (a model, an agent): http(s), no credentials in it. */
export const baseUrlSchema = z
  .url({ protocol: /^https?$/, error: 'an http(s) URL' })
  .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'credentials do not belong in the URL: use a secret');
