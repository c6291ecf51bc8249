import { Gauge, type Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { runStatuses } from '../domain/run-status.ts';

/**
 * Adds `agent_runtime_runs{status}` to a registry: the number of runs in each state, read
 * from the database at every scrape (one grouped count).
 */
export function registerRunStateGauge(registry: Registry, db: Kysely<Database>): void {
  const name = 'agent_runtime_runs';
  if (registry.getSingleMetric(name)) return;
  new Gauge({
    name,
    help: 'Runs by state, read from the database at scrape time.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('runs')
        .select(['status', (eb) => eb.fn.countAll<string>().as('count')])
        .groupBy('status')
        .execute();
      const counts = new Map(rows.map((row) => [row.status, Number(row.count)]));
      for (const status of runStatuses) this.set({ status }, counts.get(status) ?? 0);
    },
  });
}
