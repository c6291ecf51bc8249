import { z } from 'zod';
import { approvalDecidedEventSchema, approvalRequestedEventSchema } from './approval-events.ts';
import { artifactCreatedEventSchema } from './artifact-events.ts';
import { callbackResolvedEventSchema, callbackWaitingEventSchema } from './callback-events.ts';
import { messageReceivedEventSchema } from './message-events.ts';
import { modelCompletedEventSchema, modelStartedEventSchema } from './model-events.ts';
import {
  runCancelledEventSchema,
  runFailedEventSchema,
  runStartedEventSchema,
  runSucceededEventSchema,
  runTimedOutEventSchema,
} from './run-lifecycle-events.ts';
import { toolCompletedEventSchema, toolStartedEventSchema } from './tool-events.ts';

/**
 * Every event type a run stores, one schema each: the closed catalog. An event type is
 * declared here once; the writer (`appendRunEvents`) accepts no other, and the API documents
 * each as its own component. `model.delta` is not stored: see `modelDeltaEventSchema`.
 */
export const storedRunEventSchemas = [
  runStartedEventSchema,
  modelStartedEventSchema,
  modelCompletedEventSchema,
  toolStartedEventSchema,
  toolCompletedEventSchema,
  approvalRequestedEventSchema,
  approvalDecidedEventSchema,
  callbackWaitingEventSchema,
  callbackResolvedEventSchema,
  messageReceivedEventSchema,
  artifactCreatedEventSchema,
  runSucceededEventSchema,
  runFailedEventSchema,
  runCancelledEventSchema,
  runTimedOutEventSchema,
] as const;

/**
 * One append-only record of what happened in a run, ordered by `seq` (1, 2, 3, … no gaps):
 * one of the catalogued types, with that type's payload in `data`.
 */
export const runEventSchema = z.discriminatedUnion('type', storedRunEventSchemas).meta({
  id: 'RunEvent',
  description: "One record of a run's log, ordered by `seq` (1, 2, 3, … no gaps); `type` says what `data` holds.",
});

/** A stored run event, typed by its `type`. */
export type RunEvent = z.infer<typeof runEventSchema>;

/** A stored event type (`run.started`, `tool.completed`, …). */
export type RunEventType = RunEvent['type'];

/** The stored event of one type. */
export type RunEventOf<Type extends RunEventType> = Extract<RunEvent, { type: Type }>;

/** Every stored event type, in the catalog's order. */
export const runEventTypes: readonly RunEventType[] = storedRunEventSchemas.map((schema) => schema.shape.type.value);

/** The schema of each stored event type. */
export const runEventSchemaByType: ReadonlyMap<string, (typeof storedRunEventSchemas)[number]> = new Map(
  storedRunEventSchemas.map((schema) => [schema.shape.type.value, schema]),
);
