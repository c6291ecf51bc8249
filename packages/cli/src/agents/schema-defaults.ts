import type { OpenApiDocument } from '@agent-runtime/sdk';

/** A JSON Schema, as far as filling in defaults reads it. */
interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: Schema | boolean;
  readonly items?: Schema;
  readonly allOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
}

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function typeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Fills in the defaults a JSON Schema declares, as the API's parser does before it stores a
 * value: every missing property that has a `default` gets it (as it is, not filled further,
 * as zod does), at every depth, choosing among `oneOf`/`anyOf` branches the one the value
 * matches by type, constant-valued properties (`kind`, `provider`) and required properties.
 * `agents apply` compares a file's spec with the stored one this way, so that leaving a field
 * at its default is no change.
 */
export class SchemaDefaults {
  readonly #schemas: Readonly<Record<string, unknown>>;

  constructor(document: OpenApiDocument) {
    this.#schemas = document.components?.schemas ?? {};
  }

  /** The request body schema of an operation of `document`. */
  static requestSchema(document: OpenApiDocument, path: string, method: string): unknown {
    const operation = document.paths[path]?.[method] as
      { requestBody?: { content?: Record<string, { schema?: unknown }> } } | undefined;
    return operation?.requestBody?.content?.['application/json']?.schema;
  }

  /** `value` with the defaults of `schema` filled in (a copy; `value` is left as it is). */
  apply(value: Json, schema: unknown): Json {
    const resolved = this.#resolve(schema);
    if (resolved === undefined) return value;
    let result = value;
    for (const part of resolved.allOf ?? []) result = this.apply(result, part);
    const branches = resolved.oneOf ?? resolved.anyOf;
    if (branches) {
      const branch = branches.find((candidate) => this.#matches(result, candidate));
      if (branch !== undefined) result = this.apply(result, branch);
    }
    if (Array.isArray(result) && resolved.items) return result.map((item: Json) => this.apply(item, resolved.items));
    if (!isObject(result)) return result;
    const filled: Record<string, Json> = { ...result };
    for (const [name, property] of Object.entries(resolved.properties ?? {})) {
      const propertySchema = this.#resolve(property);
      if (name in filled) filled[name] = this.apply(filled[name], property);
      else if (propertySchema?.default !== undefined) filled[name] = structuredClone(propertySchema.default);
    }
    const extra = resolved.additionalProperties;
    if (typeof extra === 'object') {
      for (const name of Object.keys(filled)) {
        if (!(name in (resolved.properties ?? {}))) filled[name] = this.apply(filled[name], extra);
      }
    }
    return filled;
  }

  #resolve(schema: unknown): Schema | undefined {
    if (!isObject(schema)) return undefined;
    const reference = schema['$ref'];
    if (typeof reference === 'string') {
      return this.#resolve(this.#schemas[reference.replace('#/components/schemas/', '')]);
    }
    return schema as Schema;
  }

  /** Whether `value` can be of branch `schema`: its type, its constant-valued properties, its required ones. */
  #matches(value: Json, schema: unknown): boolean {
    const resolved = this.#resolve(schema);
    if (resolved === undefined) return false;
    if (resolved.type !== undefined) {
      const types = [resolved.type].flat();
      const actual = typeOf(value);
      if (!types.includes(actual) && !(actual === 'integer' && types.includes('number'))) return false;
    }
    if (resolved.const !== undefined && resolved.const !== value) return false;
    if (resolved.enum !== undefined && !resolved.enum.includes(value)) return false;
    if (!isObject(value))
      return resolved.allOf === undefined || resolved.allOf.every((part) => this.#matches(value, part));
    if ((resolved.required ?? []).some((name) => !(name in value))) return false;
    return Object.entries(resolved.properties ?? {}).every(([name, property]) => {
      const propertySchema = this.#resolve(property);
      const fixed = propertySchema?.const ?? (propertySchema?.enum?.length === 1 ? propertySchema.enum[0] : undefined);
      return fixed === undefined || !(name in value) || value[name] === fixed;
    });
  }
}
