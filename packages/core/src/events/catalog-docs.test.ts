import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorCodeDescriptions, httpStatusOf, type ErrorCode } from '../errors.ts';
import { runErrorCodeFamilies, runErrorCodes } from '../errors/run-error-codes.ts';
import { modelDeltaEventSchema, modelDeltaEventType } from './model-delta-event.ts';
import { storedRunEventSchemas } from './run-event-catalog.ts';

const doc = readFileSync(new URL('../../../../docs/events.md', import.meta.url), 'utf8');

/** The text of a `## heading` section, up to the next one. */
function section(heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/events.md has no "## ${heading}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** The cells of each row of the markdown tables in `text`, header and rule rows left out. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('\\|', '|')),
    )
    .filter((cells) => cells[0] !== 'field' && cells[0] !== 'code');
}

const unquote = (cell: string | undefined) => (cell ?? '').replace(/^`|`$/g, '');

/** Field names of a payload: every property of every variant of its JSON Schema. */
function payloadFields(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    anyOf?: { properties?: Record<string, unknown> }[];
    oneOf?: { properties?: Record<string, unknown> }[];
  };
  const variants = json.oneOf ?? json.anyOf ?? [json];
  return [...new Set(variants.flatMap((variant) => Object.keys(variant.properties ?? {})))].sort();
}

describe('docs/events.md', () => {
  const events = section('Run events');
  const headings = [...events.matchAll(/^### `([^`]+)`$/gm)].map((match) => match[1]);

  it('lists every event type of the catalog, model.delta included, and no other', () => {
    expect(headings).toEqual([...storedRunEventSchemas.map((schema) => schema.shape.type.value), modelDeltaEventType]);
  });

  it("lists each event type's payload fields as its schema declares them", () => {
    const schemas = new Map<string, z.ZodType>([
      ...storedRunEventSchemas.map((schema): [string, z.ZodType] => [schema.shape.type.value, schema.shape.data]),
      [modelDeltaEventType, z.object(modelDeltaEventSchema.shape)],
    ]);
    for (const [type, schema] of schemas) {
      const start = events.indexOf(`### \`${type}\``);
      const end = events.indexOf('\n### ', start + 1);
      const fields = tableRows(events.slice(start, end < 0 ? undefined : end)).map((cells) => unquote(cells[0]));
      expect({ type, fields: fields.sort() }).toEqual({ type, fields: payloadFields(schema) });
    }
  });

  it('lists every run error code with its description, as catalogued', () => {
    const documented = Object.fromEntries(
      tableRows(section('Run error codes')).map((cells) => [unquote(cells[0]), cells[1]]),
    );
    expect(documented).toEqual({ ...runErrorCodes, ...runErrorCodeFamilies });
  });

  it('lists every API error code with its status and description, as catalogued', () => {
    const documented = Object.fromEntries(
      tableRows(section('API error codes')).map((cells) => [unquote(cells[0]), `${cells[1]} ${cells[2]}`]),
    );
    const catalogued = Object.fromEntries(
      Object.entries(errorCodeDescriptions).map(([code, description]) => [
        code,
        `${httpStatusOf(code as ErrorCode)} ${description}`,
      ]),
    );
    expect(documented).toEqual(catalogued);
  });
});
