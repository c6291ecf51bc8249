import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { RunEventBus } from './event-bus.ts';
import { InProcessRunEventBus } from './in-process-event-bus.ts';
import { RedisRunEventBus } from './redis-event-bus.ts';

/**
 * The run event bus a process's configuration selects: Redis pub/sub when `REDIS_URL` is
 * set, else in-process (enough when the API and the worker share the process, as embedded).
 * Build it once in the composition root, pass the same instance to everything in the
 * process, and close it at shutdown.
 */
export function openRunEventBus(config: Pick<Config, 'REDIS_URL'>, logger: Logger): RunEventBus {
  const child = logger.child({ component: 'run-event-bus' });
  return config.REDIS_URL
    ? new RedisRunEventBus({ url: config.REDIS_URL, logger: child })
    : new InProcessRunEventBus({ logger: child });
}
