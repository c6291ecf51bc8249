-- Per-tenant limits: overrides of the configured defaults (null = the default), and run
-- admission under the concurrent-run limit.

alter table tenants
  add column rate_limit_per_minute integer check (rate_limit_per_minute >= 0),
  add column rate_limit_burst integer check (rate_limit_burst >= 1),
  add column max_concurrent_runs integer check (max_concurrent_runs >= 0);

-- A run holds one of its tenant's slots from admission until it ends: queued and admitted
-- (its workflow is starting), running or waiting. Slots are counted from these rows, never
-- kept in a counter, so a crash anywhere cannot leak one.
alter table runs add column admitted_at timestamptz;

-- Runs written before limits existed were started at once: they count as admitted.
update runs set admitted_at = created_at;

-- The tenant's queue, oldest first, and its occupied slots.
create index runs_admission_queue_idx on runs (tenant_id, created_at, id)
  where status = 'queued' and admitted_at is null;
create index runs_admitted_active_idx on runs (tenant_id)
  where status in ('queued', 'running', 'waiting') and admitted_at is not null;
