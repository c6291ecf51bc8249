import { ConflictError, type AgentSpecInput } from '@agent-runtime/sdk';
import { describe, expect, it } from 'vitest';
import { agentWithSpec, sleepySpec, type SdkContext } from './sdk-context.ts';

/** Three steps with a tool call each of the first two, so that a replay has something to reuse. */
const toolStepsSpec = {
  model: {
    provider: 'scripted',
    replies: [
      { text: 'first', toolCalls: [{ id: 'a', name: 'echo', arguments: { n: 1 } }] },
      { text: 'second', toolCalls: [{ id: 'b', name: 'echo', arguments: { n: 2 } }] },
      { text: 'all done' },
    ],
  },
  tools: [{ name: 'echo' }],
} as unknown as AgentSpecInput;

/** `runs.replay`: a finished run again from a step, the steps before it answered from its records. */
export function describeReplay(context: () => SdkContext): void {
  describe('replay', () => {
    it('replays a finished run from a step: earlier steps from the records, later ones anew; idempotent', async () => {
      const { admin } = context();
      const agentId = await agentWithSpec(admin, 'replayable', toolStepsSpec);
      const { run: source } = await admin.runs.create({ agentId, input: 'go' });
      expect((await admin.runs.wait(source.id)).status).toBe('succeeded');

      const replay = await admin.runs.replay(source.id, { fromStep: 2, input: 'go again' });
      expect(replay.created).toBe(true);
      expect(replay.run).toMatchObject({ replayOf: { runId: source.id, fromStep: 2 } });
      const ended = await admin.runs.wait(replay.run.id);
      expect(ended).toMatchObject({
        status: 'succeeded',
        input: 'go again',
        replayOf: { runId: source.id, fromStep: 2 },
      });
      const events = await admin.events.list(replay.run.id).toArray();
      const replayed = events.flatMap((event) =>
        (event.type === 'model.completed' || event.type === 'tool.completed') && event.data.replayed
          ? [`${event.type}@${event.step}`]
          : [],
      );
      expect(replayed).toEqual(['model.completed@1', 'tool.completed@1']);
      expect(events.filter((event) => event.type === 'model.completed').length).toBe(3);

      const again = await admin.runs.replay(
        source.id,
        { fromStep: 2, input: 'go again' },
        { idempotencyKey: replay.idempotencyKey },
      );
      expect(again).toMatchObject({ created: false, run: { id: replay.run.id } });
    });

    it('refuses to replay a run that has not ended (run_not_finished)', async () => {
      const { admin } = context();
      const { run } = await admin.runs.create({
        agentId: await agentWithSpec(admin, 'unfinished', sleepySpec),
        input: 'z',
      });
      const refused = await admin.runs.replay(run.id, { fromStep: 1 }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused).toMatchObject({ code: 'run_not_finished', status: 409 });
      await admin.runs.cancel(run.id);
    });
  });
}
