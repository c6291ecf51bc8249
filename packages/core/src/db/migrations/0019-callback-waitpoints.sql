-- Callbacks in (docs/callbacks.md): a waitpoint is a run waiting for an outside system to
-- POST to its single-use, expiring callback URL. This row is the system of record: the
-- POST completes it (pending → completed) in one conditional update, so a token is used at
-- most once, and the run's workflow reads the posted JSON from here.

create table waitpoints (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  run_id uuid not null references runs (id) on delete cascade,
  step integer not null,
  call_id text not null,
  tool text not null,
  status text not null default 'pending' check (status in ('pending', 'completed', 'expired')),
  expires_at timestamptz not null,
  -- The posted JSON, once completed.
  payload jsonb,
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
-- One waitpoint per tool call: a retried activity finds the one it made.
create unique index waitpoints_call_idx on waitpoints (tenant_id, run_id, step, call_id);
