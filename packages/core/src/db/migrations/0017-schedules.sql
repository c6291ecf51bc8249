-- Schedules (docs/schedules.md): timetables that start runs. This row is the system of
-- record; a Temporal schedule with the same id fires it, and each fire creates one run.

create table schedules (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  agent_id uuid not null references agents (id),
  -- The agent version each fire runs; null: the agent's latest at the fire.
  version integer,
  input jsonb not null,
  metadata jsonb not null default '{}',
  -- A run per fire on this thread, with this multitask strategy; null: runs without a thread.
  thread_id uuid references threads (id) on delete set null,
  multitask_strategy text,
  -- When it fires: cron expressions and intervals, time zone, start and end, jitter.
  spec jsonb not null,
  overlap text not null,
  catchup_window_seconds integer not null,
  paused boolean not null default false,
  -- The note of the last pause or unpause (a caller's, or why the schedule paused itself).
  note text,
  -- Why the schedule paused itself (`agent_archived`, `agent_deleted`); null when a caller paused it.
  paused_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index schedules_tenant_idx on schedules (tenant_id, id);
create index schedules_agent_idx on schedules (agent_id);
