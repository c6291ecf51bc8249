import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/** One validator instance: compiling a schema is the expensive part, so results are cached. */
const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/** Why a JSON Schema (2020-12) is not usable, or undefined when it compiles. */
export function jsonSchemaProblem(schema: Record<string, unknown>): string | undefined {
  try {
    compile(schema);
    return undefined;
  } catch (error) {
    return `not a valid JSON Schema: ${(error as Error).message}`;
  }
}

/** Problems of a value against a JSON Schema, as `path: message` lines; empty when valid. */
export function jsonSchemaErrors(schema: Record<string, unknown>, value: unknown): string[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || 'input'}: ${error.message ?? 'invalid'}`);
}
