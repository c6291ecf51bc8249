import type { Database } from '@agent-runtime/core';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  compareWritesSortKeys,
  getCheckpointId,
  WRITES_IDX_MAP,
  writesSortKey,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type { Kysely, Selectable } from 'kysely';

type CheckpointRow = Selectable<Database['langgraph_checkpoints']>;

/** The thread and namespace a config names; a saver call without a thread is a programming error. */
function threadOf(config: RunnableConfig, operation: string): { threadId: string; namespace: string } {
  const threadId: unknown = config.configurable?.thread_id;
  if (typeof threadId !== 'string' || threadId === '') {
    throw new Error(`cannot ${operation} a LangGraph checkpoint without a thread_id in config.configurable`);
  }
  const namespace: unknown = config.configurable?.checkpoint_ns ?? '';
  return { threadId, namespace: typeof namespace === 'string' ? namespace : '' };
}

/**
 * A LangGraph checkpointer on the runtime's database (tables of migrations 0009 and 0011), so
 * that it works alike on PostgreSQL and PGlite. Each `put` is one row; pending writes are kept
 * per task and index, the first write of a task's index winning as in LangGraph's own savers.
 *
 * A saver belongs to one tenant: every row it writes carries the tenant and every read is
 * limited to it, so a thread id (a run's id today, a client's thread id later) can never reach
 * another tenant's checkpoints. Make one per step of a run, for the run's tenant.
 */
export class KyselyCheckpointSaver extends BaseCheckpointSaver {
  readonly #db: Kysely<Database>;
  readonly #tenantId: string;

  constructor(db: Kysely<Database>, tenantId: string, serde?: SerializerProtocol) {
    super(serde);
    this.#db = db;
    this.#tenantId = tenantId;
  }

  /** The checkpoint `config` names, or the thread's latest when it names none. */
  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const { threadId, namespace } = threadOf(config, 'read');
    const checkpointId = getCheckpointId(config);
    let query = this.#db
      .selectFrom('langgraph_checkpoints')
      .selectAll()
      .where('tenant_id', '=', this.#tenantId)
      .where('thread_id', '=', threadId)
      .where('checkpoint_ns', '=', namespace);
    query = checkpointId ? query.where('checkpoint_id', '=', checkpointId) : query.orderBy('checkpoint_id', 'desc');
    const row = await query.limit(1).executeTakeFirst();
    return row ? this.#toTuple(row) : undefined;
  }

  /** Checkpoints newest first, by thread, namespace, `before`, metadata `filter` and `limit`. */
  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { before, limit, filter } = options;
    let query = this.#db
      .selectFrom('langgraph_checkpoints')
      .selectAll()
      .where('tenant_id', '=', this.#tenantId)
      .orderBy('checkpoint_id', 'desc');
    const threadId: unknown = config.configurable?.thread_id;
    const namespace: unknown = config.configurable?.checkpoint_ns;
    const checkpointId = getCheckpointId(config);
    const beforeId = before ? getCheckpointId(before) : undefined;
    if (typeof threadId === 'string') query = query.where('thread_id', '=', threadId);
    if (typeof namespace === 'string') query = query.where('checkpoint_ns', '=', namespace);
    if (checkpointId) query = query.where('checkpoint_id', '=', checkpointId);
    if (beforeId) query = query.where('checkpoint_id', '<', beforeId);
    let left = limit ?? Number.POSITIVE_INFINITY;
    for (const row of await query.execute()) {
      if (left <= 0) return;
      const tuple = await this.#toTuple(row);
      const metadata = (tuple.metadata ?? {}) as Record<string, unknown>;
      if (filter && !Object.entries(filter).every(([key, value]) => metadata[key] === value)) continue;
      left -= 1;
      yield tuple;
    }
  }

  /** Stores a checkpoint whose parent is the checkpoint `config` names. */
  async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    const { threadId, namespace } = threadOf(config, 'store');
    const [[type, serialized], [, serializedMetadata]] = await Promise.all([
      this.serde.dumpsTyped(checkpoint),
      this.serde.dumpsTyped(metadata),
    ]);
    const parent = getCheckpointId(config);
    await this.#db
      .insertInto('langgraph_checkpoints')
      .values({
        tenant_id: this.#tenantId,
        thread_id: threadId,
        checkpoint_ns: namespace,
        checkpoint_id: checkpoint.id,
        parent_checkpoint_id: parent || null,
        type,
        checkpoint: serialized,
        metadata: serializedMetadata,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['tenant_id', 'thread_id', 'checkpoint_ns', 'checkpoint_id'])
          .doUpdateSet({ type, checkpoint: serialized, metadata: serializedMetadata }),
      )
      .execute();
    return { configurable: { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpoint.id } };
  }

  /** Stores a task's writes after the checkpoint `config` names. */
  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    const { threadId, namespace } = threadOf(config, 'store writes of');
    const checkpointId = getCheckpointId(config);
    if (!checkpointId) throw new Error('cannot store LangGraph writes without a checkpoint_id in config.configurable');
    if (writes.length === 0) return;
    const rows = await Promise.all(
      writes.map(async ([channel, value], index) => {
        const [type, serialized] = await this.serde.dumpsTyped(value);
        return {
          tenant_id: this.#tenantId,
          thread_id: threadId,
          checkpoint_ns: namespace,
          checkpoint_id: checkpointId,
          task_id: taskId,
          idx: WRITES_IDX_MAP[channel] ?? index,
          channel,
          type,
          value: serialized,
          task_path: taskPath,
        };
      }),
    );
    // Special channels (negative index: errors, interrupts) are replaced; ordinary writes keep the first.
    await this.#db
      .insertInto('langgraph_checkpoint_writes')
      .values(rows)
      .onConflict((conflict) =>
        conflict
          .columns(['tenant_id', 'thread_id', 'checkpoint_ns', 'checkpoint_id', 'task_id', 'idx'])
          .doUpdateSet((eb) => ({
            channel: eb.ref('excluded.channel'),
            type: eb.ref('excluded.type'),
            value: eb.ref('excluded.value'),
          }))
          .where('langgraph_checkpoint_writes.idx', '<', 0),
      )
      .execute();
  }

  /** Deletes every checkpoint and write of a thread of the saver's tenant. */
  async deleteThread(threadId: string): Promise<void> {
    await this.#db
      .deleteFrom('langgraph_checkpoint_writes')
      .where('tenant_id', '=', this.#tenantId)
      .where('thread_id', '=', threadId)
      .execute();
    await this.#db
      .deleteFrom('langgraph_checkpoints')
      .where('tenant_id', '=', this.#tenantId)
      .where('thread_id', '=', threadId)
      .execute();
  }

  async #toTuple(row: CheckpointRow): Promise<CheckpointTuple> {
    const writes = await this.#db
      .selectFrom('langgraph_checkpoint_writes')
      .selectAll()
      .where('tenant_id', '=', this.#tenantId)
      .where('thread_id', '=', row.thread_id)
      .where('checkpoint_ns', '=', row.checkpoint_ns)
      .where('checkpoint_id', '=', row.checkpoint_id)
      .execute();
    // The order live execution applies a super-step's writes in, as the saver contract requires.
    writes.sort((a, b) =>
      compareWritesSortKeys(writesSortKey(a.task_path, a.task_id, a.idx), writesSortKey(b.task_path, b.task_id, b.idx)),
    );
    const pendingWrites: CheckpointPendingWrite[] = await Promise.all(
      writes.map(async (write): Promise<CheckpointPendingWrite> => [
        write.task_id,
        write.channel,
        await this.serde.loadsTyped(write.type, write.value),
      ]),
    );
    const tuple: CheckpointTuple = {
      config: {
        configurable: { thread_id: row.thread_id, checkpoint_ns: row.checkpoint_ns, checkpoint_id: row.checkpoint_id },
      },
      checkpoint: (await this.serde.loadsTyped(row.type, row.checkpoint)) as Checkpoint,
      metadata: (await this.serde.loadsTyped(row.type, row.metadata)) as CheckpointMetadata,
      pendingWrites,
    };
    if (row.parent_checkpoint_id) {
      tuple.parentConfig = {
        configurable: {
          thread_id: row.thread_id,
          checkpoint_ns: row.checkpoint_ns,
          checkpoint_id: row.parent_checkpoint_id,
        },
      };
    }
    return tuple;
  }
}
