import { z } from 'zod';
import { replayedFlagSchema } from './replayed-flag.ts';
import { stepNumberSchema, storedRunEventSchema } from './run-event-envelope.ts';

/** `tool.started`: a tool call began (not written again when a completed call is retried). */
export const toolStartedEventSchema = storedRunEventSchema({
  type: 'tool.started',
  id: 'ToolStartedEvent',
  description: 'A tool call of the step began.',
  step: stepNumberSchema,
  data: z.strictObject({
    callId: z.string(),
    tool: z.string(),
    input: z.unknown().describe("The call's arguments (a JSON object)"),
    replayed: replayedFlagSchema,
  }),
});

/** A failed tool call's error, as the model sees it. */
export const toolErrorSchema = z
  .object({
    code: z
      .string()
      .describe(
        "A run error code of the catalog (`unknown_tool`, `invalid_tool_input`, `http_404`, …), or a code the tool's own `ToolError` chose",
      ),
    message: z.string(),
  })
  .meta({ id: 'ToolError' });

/** `tool.completed`: a tool call's result, as the model gets it. */
export const toolCompletedEventSchema = storedRunEventSchema({
  type: 'tool.completed',
  id: 'ToolCompletedEvent',
  description:
    "A tool call's result, as the model gets it: its output, or an error the model can react to (`onError: fail` fails the run instead).",
  step: stepNumberSchema,
  data: z.discriminatedUnion('ok', [
    z.strictObject({
      callId: z.string(),
      tool: z.string(),
      ok: z.literal(true),
      output: z.unknown().optional().describe("The tool's output (any JSON); absent when the tool returned nothing"),
      replayed: replayedFlagSchema,
    }),
    z.strictObject({
      callId: z.string(),
      tool: z.string(),
      ok: z.literal(false),
      error: toolErrorSchema,
      replayed: replayedFlagSchema,
    }),
  ]),
});
