import { z } from 'zod';
import { integerText } from '../http/schemas.ts';

/** A model text delta's place in its run: the step, the step's attempt, and its index in it. */
export interface DeltaPosition {
  readonly step: number;
  readonly attempt: number;
  readonly index: number;
}

/**
 * Where a client is in a run's stream, as its SSE ids say: after the stored event `seq` and,
 * when the last message it received was a model text delta, after that delta too.
 */
export interface RunStreamPosition {
  readonly seq: number;
  readonly delta?: DeltaPosition;
}

/**
 * The SSE `id:` of a position: `<seq>` after a stored event, `<seq>:<step>:<attempt>:<index>`
 * after a delta. A client sends the last one back as `Last-Event-ID` when it reconnects.
 */
export function formatStreamPosition(position: RunStreamPosition): string {
  const { seq, delta } = position;
  return delta ? `${seq}:${delta.step}:${delta.attempt}:${delta.index}` : String(seq);
}

/** At most 9 digits: every part stays within PostgreSQL's integer. */
const part = '(?:0|[1-9][0-9]{0,8})';

/** The `id:` of a delta, as a client sends it back. */
const deltaIdPattern = new RegExp(`^${part}:${part}:${part}:${part}$`);

/** A delta's id as `Last-Event-ID`: `<seq>:<step>:<attempt>:<index>`. */
const deltaIdText = z
  .string()
  .regex(deltaIdPattern, 'must be <seq>:<step>:<attempt>:<index>')
  .transform((text): RunStreamPosition => {
    const [seq = 0, step = 0, attempt = 0, index = 0] = text.split(':').map(Number);
    return { seq, delta: { step, attempt, index } };
  });

/** A thread stream's message id: `<runId>/<seq>` or `<runId>/<seq>:<step>:<attempt>:<index>`. */
const threadStreamIdPattern = new RegExp(
  `^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/(${part}(?::${part}:${part}:${part})?)$`,
);

/**
 * Where a thread stream's `Last-Event-ID` says the client is; undefined for an id this server
 * did not send (the stream then starts as for a new client, as a run of another thread does).
 */
export function threadStreamPositionOf(
  id: string | undefined,
): { runId: string; position: RunStreamPosition } | undefined {
  const match = id === undefined ? null : threadStreamIdPattern.exec(id);
  if (!match) return undefined;
  const [, runId = '', runStreamId = '0'] = match;
  const [seq = 0, step = 0, attempt = 0, index = 0] = runStreamId.split(':').map(Number);
  return { runId, position: runStreamId.includes(':') ? { seq, delta: { step, attempt, index } } : { seq } };
}

/**
 * The `Last-Event-ID` header of a thread's stream, read by {@link threadStreamPositionOf}: any
 * text, since an EventSource sends back whatever id it last got.
 */
export const threadLastEventIdHeader = z
  .string()
  .max(200)
  .describe(
    'The id of the last message received: `<runId>/<seq>` after a stored event, `<runId>/<seq>:<step>:<attempt>:<index>` after a model delta; another id starts the stream afresh',
  );

/**
 * The `Last-Event-ID` header of a run's event stream: a stored event's id (`<seq>`, as every
 * id was before deltas had ids) or a model text delta's (`<seq>:<step>:<attempt>:<index>`).
 */
export const lastEventIdHeader = z
  .union([integerText(0, 2_147_483_647).transform((seq): RunStreamPosition => ({ seq })), deltaIdText])
  .describe(
    'SSE only: the id of the last message received, a stored event (`<seq>`) or a model delta ' +
      '(`<seq>:<step>:<attempt>:<index>`); takes precedence over `after`',
  );
