import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** The tenants columns of the retention settings (0016). */
export type RetentionColumn =
  'retention_runs_days' | 'retention_threads_days' | 'retention_artifacts_days' | 'retention_payloads_days';

/**
 * `<time> < now() - <days>`, where days are the tenant's setting over the deployment's default;
 * never true when they come to null or 0 (kept for ever). `tn` must be the alias of the
 * object's tenant row in the query.
 */
export function olderThanRetention(
  time: RawBuilder<unknown>,
  column: RetentionColumn,
  defaultDays: number | null,
): RawBuilder<SqlBool> {
  return sql<SqlBool>`${time} < now() - make_interval(days => nullif(coalesce(${sql.ref(`tn.${column}`)}, ${defaultDays}::int), 0))`;
}
