import { z } from 'zod';

/** Who made an artifact: uploaded over the API, saved by a tool, or written by the agent. */
export const artifactSources = ['api', 'tool', 'agent'] as const;
export type ArtifactSource = (typeof artifactSources)[number];

/** Longest artifact name, in characters. */
export const maxArtifactNameLength = 255;

// Control characters, line and paragraph separators, and bidirectional overrides, which
// could hide a name's real extension when a browser shows it (`invoice‮fdp.exe`).
const forbiddenNameCharacters = /[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u;

/**
 * An artifact's name as the producer chose it, used as the download's file name: 1–255
 * characters, no path separators (`/`, `\`), no control or bidirectional-override
 * characters, not `.` or `..`, no surrounding whitespace. Any other Unicode is fine.
 */
export const artifactNameSchema = z
  .string()
  .min(1)
  .max(maxArtifactNameLength)
  .refine((name) => name.isWellFormed(), 'must be well-formed Unicode')
  .refine((name) => !/[/\\]/.test(name), 'must not contain "/" or "\\"')
  .refine((name) => !forbiddenNameCharacters.test(name), 'must not contain control characters')
  .refine((name) => name !== '.' && name !== '..', 'must not be "." or ".."')
  .refine((name) => name.trim() === name, 'must not start or end with whitespace')
  // The same rules as one pattern, for the OpenAPI document (the checks above give the messages).
  .meta({
    pattern:
      '^(?!\\.\\.?$)(?![\\s\\uFEFF])(?!.*[\\s\\uFEFF]$)' +
      '[^/\\\\\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]+$',
  })
  .describe('File name of the artifact: no path separators or control characters');

const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

/** A media type (RFC 9110): `type/subtype`, then `; name=value` parameters, a value a token or quoted. */
export const artifactMediaTypePattern = new RegExp(
  `^${token}/${token}(\\s*;\\s*${token}=(${token}|"[^"\\\\\\x00-\\x1f\\x7f]*"))*$`,
);

/**
 * A media type (RFC 9110) such as `image/png` or `text/csv; charset=utf-8`, at most 255
 * characters; type and subtype are lowercased, parameters kept as given.
 */
export const artifactContentTypeSchema = z
  .string()
  .trim()
  .max(255)
  .regex(artifactMediaTypePattern, 'must be a media type such as "text/plain" or "image/png"')
  .transform((value) => {
    const separator = value.indexOf(';');
    return separator < 0
      ? value.toLowerCase()
      : `${value.slice(0, separator).trimEnd().toLowerCase()}${value.slice(separator)}`;
  })
  .describe('Media type of the content, e.g. `image/png`');

/** A blob produced or consumed by a run: its metadata; the bytes are in the blob store. */
export const artifactSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    runId: z.uuid(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int().min(0).describe('Length of the content in bytes'),
    sha256: z.string().describe('sha256 of the content, lowercase hex'),
    source: z.enum(artifactSources),
    step: z.number().int().nullable().describe('Model step whose tool call made it; null for uploads'),
    toolCallId: z.string().nullable().describe('Tool call that made it; null for uploads'),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Artifact' });

/** An artifact's metadata. */
export type Artifact = z.infer<typeof artifactSchema>;
