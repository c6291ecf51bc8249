import { createTenant, type DatabaseHandle } from '@agent-runtime/core';
import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import {
  emptyCheckpoint,
  ERROR,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointTuple,
} from '@langchain/langgraph-checkpoint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyCheckpointSaver } from './kysely-checkpoint-saver.ts';

/** A checkpoint with a given, ordered id and one channel value. */
function checkpoint(id: string, value: number): Checkpoint {
  return { ...emptyCheckpoint(), id, channel_values: { count: value }, channel_versions: { count: value } };
}

function metadata(step: number): CheckpointMetadata {
  return { source: 'loop', step, parents: {} };
}

async function all(iterator: AsyncGenerator<CheckpointTuple>): Promise<CheckpointTuple[]> {
  const tuples: CheckpointTuple[] = [];
  for await (const tuple of iterator) tuples.push(tuple);
  return tuples;
}

/** The checkpointer of LangGraph agents, on both databases: what LangGraph's savers promise. */
describe.each(databaseKinds)('KyselyCheckpointSaver on %s', (kind) => {
  let database: DatabaseHandle;
  let saver: KyselyCheckpointSaver;
  let otherTenantSaver: KyselyCheckpointSaver;
  const thread = { configurable: { thread_id: 'run-1', checkpoint_ns: '' } };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    saver = new KyselyCheckpointSaver(database.db, (await createTenant(database.db, 'graphs')).id);
    otherTenantSaver = new KyselyCheckpointSaver(database.db, (await createTenant(database.db, 'other')).id);
    let parent = thread as { configurable: Record<string, unknown> };
    for (const [index, id] of ['cp-1', 'cp-2', 'cp-3'].entries()) {
      parent = (await saver.put(parent, checkpoint(id, index + 1), metadata(index))) as typeof parent;
    }
    await saver.put({ configurable: { thread_id: 'run-2', checkpoint_ns: '' } }, checkpoint('cp-9', 9), metadata(0));
  });

  afterAll(async () => {
    await database.close();
  });

  it('reads the latest checkpoint of a thread, or the one named, with its parent', async () => {
    const latest = await saver.getTuple(thread);
    expect(latest?.checkpoint.channel_values).toEqual({ count: 3 });
    expect(latest?.config.configurable).toMatchObject({ thread_id: 'run-1', checkpoint_id: 'cp-3' });
    expect(latest?.parentConfig?.configurable?.checkpoint_id).toBe('cp-2');
    expect(latest?.metadata).toEqual(metadata(2));
    const first = await saver.getTuple({ configurable: { ...thread.configurable, checkpoint_id: 'cp-1' } });
    expect(first?.checkpoint.channel_values).toEqual({ count: 1 });
    expect(first?.parentConfig).toBeUndefined();
    expect(await saver.getTuple({ configurable: { thread_id: 'nobody' } })).toBeUndefined();
  });

  it('lists newest first, by limit, before and metadata filter', async () => {
    const ids = (tuples: CheckpointTuple[]) => tuples.map((tuple) => tuple.config.configurable?.checkpoint_id);
    expect(ids(await all(saver.list(thread)))).toEqual(['cp-3', 'cp-2', 'cp-1']);
    expect(ids(await all(saver.list(thread, { limit: 2 })))).toEqual(['cp-3', 'cp-2']);
    expect(ids(await all(saver.list(thread, { before: { configurable: { checkpoint_id: 'cp-3' } } })))).toEqual([
      'cp-2',
      'cp-1',
    ]);
    expect(ids(await all(saver.list(thread, { filter: { step: 1 } })))).toEqual(['cp-2']);
  });

  it('keeps the first write of a task index, replaces special channels, in the order LangGraph applies them', async () => {
    const at = { configurable: { ...thread.configurable, checkpoint_id: 'cp-3' } };
    await saver.putWrites(at, [['count', 10]], 'task-b', 'b');
    await saver.putWrites(
      at,
      [
        ['count', 20],
        ['other', 'x'],
      ],
      'task-a',
      'a',
    );
    await saver.putWrites(at, [['count', 99]], 'task-a', 'a');
    await saver.putWrites(at, [[ERROR, 'first failure']], 'task-c', 'c');
    await saver.putWrites(at, [[ERROR, 'second failure']], 'task-c', 'c');
    const tuple = await saver.getTuple(at);
    expect(tuple?.pendingWrites).toEqual([
      ['task-a', 'count', 20],
      ['task-a', 'other', 'x'],
      ['task-b', 'count', 10],
      ['task-c', ERROR, 'second failure'],
    ]);
    await expect(saver.putWrites(thread, [['count', 1]], 'task-a')).rejects.toThrow(/checkpoint_id/);
  });

  it("keeps each tenant's threads to itself, even under one thread id", async () => {
    expect(await otherTenantSaver.getTuple(thread)).toBeUndefined();
    expect(await all(otherTenantSaver.list(thread))).toEqual([]);
    expect(await all(otherTenantSaver.list({}))).toEqual([]);
    const at = { configurable: { ...thread.configurable, checkpoint_id: 'cp-3' } };
    await otherTenantSaver.put(thread, checkpoint('cp-3', 30), metadata(0));
    await otherTenantSaver.putWrites(at, [['count', 31]], 'task-a', 'a');
    expect((await otherTenantSaver.getTuple(thread))?.checkpoint.channel_values).toEqual({ count: 30 });
    expect((await otherTenantSaver.getTuple(at))?.pendingWrites).toEqual([['task-a', 'count', 31]]);
    // The first tenant's checkpoint of the same thread and id, and its writes, are untouched.
    const own = await saver.getTuple(at);
    expect(own?.checkpoint.channel_values).toEqual({ count: 3 });
    expect(own?.pendingWrites).toContainEqual(['task-a', 'count', 20]);
    await otherTenantSaver.deleteThread('run-1');
    expect(await otherTenantSaver.getTuple(thread)).toBeUndefined();
    expect((await saver.getTuple(thread))?.checkpoint.id).toBe('cp-3');
  });

  it('deletes a thread, and only that thread', async () => {
    await saver.deleteThread('run-1');
    expect(await saver.getTuple(thread)).toBeUndefined();
    expect(await database.db.selectFrom('langgraph_checkpoint_writes').selectAll().execute()).toEqual([]);
    expect((await saver.getTuple({ configurable: { thread_id: 'run-2' } }))?.checkpoint.id).toBe('cp-9');
  });
});
