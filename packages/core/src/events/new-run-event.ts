import { z } from 'zod';
import { runEventSchemaByType, type RunEventType, type storedRunEventSchemas } from './run-event-catalog.ts';

type SchemaOf<Type extends RunEventType> = Extract<
  (typeof storedRunEventSchemas)[number],
  { shape: { type: z.ZodLiteral<Type> } }
>;

/** `step` as a writer gives it: optional where the type's step may be null (stored as null). */
type StepOf<Type extends RunEventType> =
  null extends z.input<SchemaOf<Type>['shape']['step']>
    ? { readonly step?: z.input<SchemaOf<Type>['shape']['step']> | undefined }
    : { readonly step: z.input<SchemaOf<Type>['shape']['step']> };

/**
 * An event to append to a run's log: a catalogued `type` with that type's payload, so a wrong
 * type or payload is a compile error (and, from untyped code, a runtime one).
 */
export type NewRunEvent = {
  [Type in RunEventType]: {
    readonly runId: string;
    readonly type: Type;
    readonly data: z.input<SchemaOf<Type>['shape']['data']>;
    /**
     * Identifies the event across retries: appending a key the run already has is a no-op,
     * so an activity that is retried after a crash never writes an event twice.
     */
    readonly dedupeKey: string;
  } & StepOf<Type>;
}[RunEventType];

/** An event that is not in the catalog, or whose step or payload breaks its type's schema. */
export class UncataloguedRunEventError extends Error {
  override readonly name = 'UncataloguedRunEventError';
}

/**
 * Checks an event against the catalog before it is stored, and answers its step and payload
 * as they are stored (nested objects keep only their declared fields).
 * @throws UncataloguedRunEventError
 */
export function validateNewRunEvent(event: NewRunEvent): { step: number | null; data: unknown } {
  const schema = writtenPartsSchemaOf(event.type);
  if (!schema) throw new UncataloguedRunEventError(`run event type "${event.type}" is not in the catalog`);
  const parsed = schema.safeParse({ step: event.step ?? null, data: event.data });
  if (!parsed.success) {
    throw new UncataloguedRunEventError(
      `run event "${event.type}" breaks its schema: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data as { step: number | null; data: unknown };
}

/** Each type's schema of what a writer gives (step and payload), built once: every event write checks one. */
const writtenPartsSchemas = new Map<string, z.ZodType>();

function writtenPartsSchemaOf(type: string): z.ZodType | undefined {
  let parts = writtenPartsSchemas.get(type);
  if (!parts) {
    const schema = runEventSchemaByType.get(type);
    if (!schema) return undefined;
    parts = z.object({ step: schema.shape.step, data: schema.shape.data });
    writtenPartsSchemas.set(type, parts);
  }
  return parts;
}
