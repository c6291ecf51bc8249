import type { ListSchedulesQuery, Schedule } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/** Schedules (`/v1/schedules`): runs of an agent started at times a cron or interval says. */
export class SchedulesResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The tenant's schedules, newest first, page by page (without their next fire times). */
  list(query: ListSchedulesQuery = {}, options: CallOptions & { cursor?: string } = {}): PageIterator<Schedule> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<Schedule>>({
          method: 'GET',
          path: '/v1/schedules',
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /** One schedule, with its next fire times. */
  get(scheduleId: string, options: CallOptions = {}): Promise<Schedule> {
    return this.#transport.json({ method: 'GET', path: apiPath`/v1/schedules/${scheduleId}`, signal: options.signal });
  }

  /** Pauses the schedule (fires missed meanwhile are not made); `note` says why. */
  pause(scheduleId: string, note?: string, options: CallOptions = {}): Promise<Schedule> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/schedules/${scheduleId}/pause`,
      json: note === undefined ? {} : { note },
      signal: options.signal,
    });
  }

  /** Unpauses the schedule; `note` says why. */
  unpause(scheduleId: string, note?: string, options: CallOptions = {}): Promise<Schedule> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/schedules/${scheduleId}/unpause`,
      json: note === undefined ? {} : { note },
      signal: options.signal,
    });
  }

  /** Starts a run of the schedule now, outside its times. */
  trigger(scheduleId: string, options: CallOptions = {}): Promise<void> {
    return this.#transport.empty({
      method: 'POST',
      path: apiPath`/v1/schedules/${scheduleId}/trigger`,
      signal: options.signal,
    });
  }
}
