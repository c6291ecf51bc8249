import { Redis } from 'ioredis';
import type { RunEvent } from '../events/run-event-catalog.ts';
import type { Logger } from '../logger.ts';
import { latestAttemptsInOrder, type ModelTextDelta } from './model-delta.ts';
import type { RunEventBus, RunEventListener, RunEventSubscription } from './event-bus.ts';

/** Options of {@link RedisRunEventBus}. */
export interface RedisRunEventBusOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  readonly logger: Logger;
  /** Prefix of the per-run channel names. @default ar:run-events: */
  readonly channelPrefix?: string;
  /**
   * How long `subscribe` waits for Redis while it is not connected (starting, or reconnecting)
   * before it resolves anyway; the listener then gets `onResync` once Redis is back. @default 2000
   */
  readonly subscribeWaitMs?: number;
  /** Prefix of the per-run Redis Streams that keep model text deltas. @default ar:run-deltas: */
  readonly deltaKeyPrefix?: string;
  /** Deltas a run's stream keeps (`XADD … MAXLEN ~`): the oldest go first. @default 10000 */
  readonly deltaMaxEntries?: number;
  /** A run's stream expires this long after its last delta (`PEXPIRE`). @default 600000 (10 min) */
  readonly deltaTtlMs?: number;
}

/** A run's listeners in this process, and the SUBSCRIBE that covers them. */
interface RunChannel {
  readonly listeners: Set<RunEventListener>;
  /** Settles once Redis acknowledged the SUBSCRIBE (or it failed and a reconnect will redo it). */
  readonly subscribed: Promise<void>;
}

/** Reconnect after 100 ms, 200 ms, … at most 2 s apart: a restarted Redis is found quickly. */
const reconnectDelayMs = (attempt: number) => Math.min(attempt * 100, 2_000);

/**
 * Run events over Redis pub/sub, for an API and workers in separate processes.
 *
 * **One channel per run** (`ar:run-events:<runId>`), not one channel for all runs filtered
 * by run id: Redis then sends each API instance only the events of runs it is streaming, so
 * the traffic and JSON parsing per instance grow with its own streams, not with the whole
 * fleet's event rate times the number of instances. The cost is one SUBSCRIBE when a
 * process starts following a run and one UNSUBSCRIBE when its last stream of that run ends;
 * Redis handles millions of channels.
 *
 * Each process holds two connections: one that publishes and one subscriber connection
 * multiplexed over every run this process follows (a connection in subscribe mode can run
 * nothing else). Redis pub/sub keeps no messages: whatever is published while a subscriber
 * is disconnected is lost to it, so after every reconnect the bus subscribes again and tells
 * every listener to resync from the database.
 *
 * **Model text deltas** are also appended to a Redis Stream per run (`ar:run-deltas:<runId>`),
 * in the same `MULTI` as their PUBLISH, so the stream has every delta a subscriber could have
 * heard. One stream per run rather than per step: its bound (`MAXLEN ~`) then evicts the
 * run's oldest steps first, and a reader gets the step in flight and the steps just before it
 * in one `XRANGE` without knowing which step is in flight. Every append renews its expiry.
 */
export class RedisRunEventBus implements RunEventBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  readonly #prefix: string;
  readonly #channels = new Map<string, RunChannel>();
  readonly #subscribeWaitMs: number;
  readonly #deltaKeyPrefix: string;
  readonly #deltaMaxEntries: number;
  readonly #deltaTtlMs: number;
  /** Resolved once the next (re)connect has subscribed to every channel. */
  #resubscribed: PromiseWithResolvers<void> | undefined;
  #lostSince: number | undefined;
  #closed = false;

  constructor(options: RedisRunEventBusOptions) {
    this.#logger = options.logger;
    this.#prefix = options.channelPrefix ?? 'ar:run-events:';
    this.#subscribeWaitMs = options.subscribeWaitMs ?? 2_000;
    this.#deltaKeyPrefix = options.deltaKeyPrefix ?? 'ar:run-deltas:';
    this.#deltaMaxEntries = options.deltaMaxEntries ?? 10_000;
    this.#deltaTtlMs = options.deltaTtlMs ?? 600_000;
    this.#publisher = new Redis(options.url, {
      connectionName: 'agent-runtime-events-publish',
      retryStrategy: reconnectDelayMs,
      // Publishes made while disconnected wait for the reconnect, but only a few attempts:
      // subscribers resync from the database when they reconnect anyway.
      maxRetriesPerRequest: 3,
    });
    this.#subscriber = new Redis(options.url, {
      connectionName: 'agent-runtime-events-subscribe',
      retryStrategy: reconnectDelayMs,
      // The bus resubscribes itself on `ready`, so that it knows when to tell listeners to resync.
      autoResubscribe: false,
      enableOfflineQueue: false,
    });
    this.#publisher.on('error', (error: Error) => this.#logger.debug({ err: error }, 'redis publisher error'));
    this.#subscriber.on('error', (error: Error) => this.#logger.debug({ err: error }, 'redis subscriber error'));
    this.#subscriber.on('close', () => this.#connectionLost());
    this.#subscriber.on('ready', () => void this.#resubscribeAll());
    this.#subscriber.on('message', (channel: string, message: string) => this.#deliver(channel, message));
  }

  async publish(runId: string, events: readonly RunEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.#publisher.publish(this.#channelOf(runId), JSON.stringify(events));
  }

  async publishDeltas(runId: string, deltas: readonly ModelTextDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const key = `${this.#deltaKeyPrefix}${runId}`;
    const transaction = this.#publisher.multi();
    for (const delta of deltas) {
      transaction.xadd(key, 'MAXLEN', '~', this.#deltaMaxEntries, '*', 'd', JSON.stringify(delta));
    }
    transaction.pexpire(key, this.#deltaTtlMs);
    // On the run's channel, as an object (events travel as an array): one connection
    // publishes both, so a subscriber gets a step's deltas before its `model.completed`.
    transaction.publish(this.#channelOf(runId), JSON.stringify({ deltas }));
    const results = await transaction.exec();
    const failure = results?.find(([error]) => error !== null)?.[0];
    if (failure) throw failure;
  }

  async readDeltas(runId: string): Promise<readonly ModelTextDelta[]> {
    const entries = await this.#publisher.xrange(`${this.#deltaKeyPrefix}${runId}`, '-', '+');
    const deltas: ModelTextDelta[] = [];
    for (const [, fields] of entries) {
      const json = fields[fields.indexOf('d') + 1];
      if (json === undefined) continue;
      try {
        deltas.push(JSON.parse(json) as ModelTextDelta);
      } catch (error) {
        this.#logger.warn({ err: error, runId }, 'ignored a malformed buffered model delta');
      }
    }
    return latestAttemptsInOrder(deltas);
  }

  async subscribe(runId: string, listener: RunEventListener): Promise<RunEventSubscription> {
    if (this.#closed) throw new Error('the run event bus is closed');
    let channel = this.#channels.get(runId);
    if (!channel) {
      // Not connected: the next `ready` subscribes to every channel (and resyncs listeners).
      const subscribed =
        this.#subscriber.status === 'ready'
          ? this.#sendSubscribe([runId])
          : (this.#resubscribed ??= Promise.withResolvers()).promise;
      channel = { listeners: new Set(), subscribed };
      this.#channels.set(runId, channel);
    }
    channel.listeners.add(listener);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      channel.subscribed,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#subscribeWaitMs))),
    ]);
    clearTimeout(timer);
    return { unsubscribe: () => this.#unsubscribe(runId, listener) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    this.#subscriber.disconnect();
    // QUIT lets queued publishes go out; a Redis that does not answer is not waited for.
    const quit = this.#publisher.quit().catch(() => undefined);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref());
    await Promise.race([quit, timeout]);
    this.#publisher.disconnect();
  }

  #channelOf(runId: string): string {
    return `${this.#prefix}${runId}`;
  }

  /** SUBSCRIBE to the runs' channels; never rejects (a lost connection is redone on `ready`). */
  async #sendSubscribe(runIds: readonly string[]): Promise<void> {
    try {
      await this.#subscriber.subscribe(...runIds.map((runId) => this.#channelOf(runId)));
    } catch (error) {
      this.#logger.debug({ err: error }, 'redis SUBSCRIBE failed; retried on reconnect');
    }
  }

  #unsubscribe(runId: string, listener: RunEventListener): void {
    const channel = this.#channels.get(runId);
    if (!channel?.listeners.delete(listener) || channel.listeners.size > 0) return;
    this.#channels.delete(runId);
    if (this.#subscriber.status === 'ready') {
      this.#subscriber.unsubscribe(this.#channelOf(runId)).catch((error: unknown) => {
        this.#logger.debug({ err: error, runId }, 'redis UNSUBSCRIBE failed');
      });
    }
  }

  #deliver(channelName: string, message: string): void {
    if (!channelName.startsWith(this.#prefix)) return;
    const channel = this.#channels.get(channelName.slice(this.#prefix.length));
    if (!channel) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch (error) {
      this.#logger.warn({ err: error, channel: channelName }, 'ignored a malformed run event message');
      return;
    }
    const events = Array.isArray(parsed) ? (parsed as RunEvent[]) : undefined;
    const deltas = events ? undefined : (parsed as { deltas?: ModelTextDelta[] }).deltas;
    if (!events && !Array.isArray(deltas)) return;
    for (const listener of [...channel.listeners]) {
      try {
        if (events) listener.onEvents(events);
        else if (deltas) listener.onDeltas?.(deltas);
      } catch (error) {
        this.#logger.error({ err: error, channel: channelName }, 'a run event listener failed');
      }
    }
  }

  #connectionLost(): void {
    if (this.#closed || this.#lostSince !== undefined) return;
    this.#lostSince = Date.now();
    this.#logger.warn('lost the connection to Redis: live run events are delayed until it is back');
  }

  /** After every (re)connect: subscribe to every followed run again, then have listeners resync. */
  async #resubscribeAll(): Promise<void> {
    const runIds = [...this.#channels.keys()];
    if (runIds.length > 0) await this.#sendSubscribe(runIds);
    if (this.#subscriber.status !== 'ready') return;
    this.#resubscribed?.resolve();
    this.#resubscribed = undefined;
    if (this.#lostSince !== undefined) {
      this.#logger.info({ downMs: Date.now() - this.#lostSince }, 'reconnected to Redis');
      this.#lostSince = undefined;
    }
    for (const runId of runIds) {
      for (const listener of [...(this.#channels.get(runId)?.listeners ?? [])]) {
        try {
          listener.onResync();
        } catch (error) {
          this.#logger.error({ err: error, runId }, 'a run event listener failed');
        }
      }
    }
  }
}
