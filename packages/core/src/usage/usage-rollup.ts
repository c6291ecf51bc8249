import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UsageGroup, UsageGrouping, UsageReport, UsageTotals } from '../domain/usage-report.ts';
import { AppError } from '../errors.ts';

/** A usage query: the tenant's steps recorded in `[since, until)`, grouped, one page at a time. */
export interface UsageQuery {
  readonly groupBy: UsageGrouping;
  readonly since: Date;
  readonly until: Date;
  readonly limit: number;
  /** Opaque: the key of the last group of the previous page. */
  readonly cursor?: string | undefined;
}

/** The sums every group and the total answer with. */
const sums = sql`
  count(*)::float8 as steps,
  count(distinct u.run_id)::float8 as runs,
  coalesce(sum(u.input_tokens), 0)::float8 as input_tokens,
  coalesce(sum(u.output_tokens), 0)::float8 as output_tokens,
  coalesce(sum(u.total_tokens), 0)::float8 as total_tokens,
  coalesce(sum(u.cached_input_tokens), 0)::float8 as cached_input_tokens,
  coalesce(sum(u.cost_usd), 0)::float8 as cost_usd`;

interface SumsRow {
  steps: number;
  runs: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
}

/** Each grouping's key, as SQL over the ledger row `u`. */
const groupKeys: Record<UsageGrouping, RawBuilder<string>> = {
  agent: sql<string>`u.agent_id::text`,
  day: sql<string>`to_char(u.recorded_at at time zone 'UTC', 'YYYY-MM-DD')`,
  model: sql<string>`coalesce(u.provider, '') || '/' || coalesce(u.model, '')`,
};

function totalsOf(row: SumsRow): UsageTotals {
  return {
    steps: Number(row.steps),
    runs: Number(row.runs),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    totalTokens: Number(row.total_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    // Sums of prices drift in binary; far below a micro-dollar is noise.
    costUsd: Math.round(Number(row.cost_usd) * 1e10) / 1e10,
  };
}

function decodeKeyCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key.length === 0 || key.length > 600) {
    throw new AppError('malformed_request', 'cursor is not valid', { cursor });
  }
  return key;
}

interface GroupRow extends SumsRow {
  key: string;
  agent_name: string | null;
}

/** What a group's key says, by grouping. */
function groupOf(groupBy: UsageGrouping, row: GroupRow): UsageGroup {
  const totals = totalsOf(row);
  switch (groupBy) {
    case 'agent':
      return { key: row.key, agentId: row.key, agentName: row.agent_name, ...totals };
    case 'day':
      return { key: row.key, day: row.key, ...totals };
    case 'model': {
      const [provider = '', ...model] = row.key.split('/');
      const modelId = model.join('/');
      return { key: row.key, provider: provider || null, model: modelId || null, ...totals };
    }
  }
}

/**
 * The tenant's usage from its step ledger: tokens and cost per agent, UTC day or model, in
 * key order, and the total over the whole period. Another tenant's steps never count.
 */
export async function usageReportOf(db: Kysely<Database>, tenantId: string, query: UsageQuery): Promise<UsageReport> {
  const key = groupKeys[query.groupBy];
  const after = query.cursor === undefined ? undefined : decodeKeyCursor(query.cursor);
  const inPeriod = sql`u.tenant_id = ${tenantId} and u.recorded_at >= ${query.since} and u.recorded_at < ${query.until}`;
  const groups = await sql<GroupRow>`
    select g.*, a.name as agent_name
    from (
      select ${key} as key, ${sums}
      from step_usage u
      where ${inPeriod}
      group by 1
    ) g
    left join agents a on ${query.groupBy === 'agent' ? sql`a.id::text = g.key and a.tenant_id = ${tenantId}` : sql`false`}
    ${after === undefined ? sql`` : sql`where g.key > ${after}`}
    order by g.key
    limit ${query.limit + 1}
  `.execute(db);
  const total = await sql<SumsRow>`select ${sums} from step_usage u where ${inPeriod}`.execute(db);
  const rows = groups.rows.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    groupBy: query.groupBy,
    since: query.since.toISOString(),
    until: query.until.toISOString(),
    items: rows.map((row) => groupOf(query.groupBy, row)),
    nextCursor: groups.rows.length > query.limit && last ? Buffer.from(last.key, 'utf8').toString('base64url') : null,
    total: totalsOf(total.rows[0] as SumsRow),
  };
}
