-- Tenants, identity, agents, immutable versions, runs and their append-only events.

create table tenants (
  id uuid primary key,
  name text not null unique,
  created_at timestamptz not null default now()
);

create table api_keys (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  name text not null,
  prefix text not null unique,
  key_hash text not null,
  roles text[] not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table agents (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  name text not null,
  description text,
  latest_version integer,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, name)
);

create index agents_tenant_id_idx on agents (tenant_id, id desc);

create table agent_versions (
  agent_id uuid not null references agents (id),
  tenant_id uuid not null references tenants (id),
  version integer not null check (version >= 1),
  spec jsonb not null,
  spec_hash text not null,
  created_at timestamptz not null default now(),
  primary key (agent_id, version)
);

create function reject_agent_version_change() returns trigger language plpgsql as $$
begin
  raise exception 'agent versions are immutable: % of agent % rejected', tg_op, old.agent_id
    using errcode = 'AR001';
end;
$$;

create trigger agent_versions_immutable
  before update or delete on agent_versions
  for each row execute function reject_agent_version_change();

create table runs (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  agent_id uuid not null,
  agent_version integer not null,
  status text not null check (
    status in ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'timed_out')
  ),
  input jsonb not null,
  output jsonb,
  error jsonb,
  usage jsonb not null,
  metadata jsonb not null default '{}',
  idempotency_key text,
  request_hash text,
  last_event_seq integer not null default 0,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  ended_at timestamptz,
  foreign key (agent_id, agent_version) references agent_versions (agent_id, version),
  unique (tenant_id, idempotency_key)
);

create index runs_tenant_id_idx on runs (tenant_id, id desc);
create index runs_tenant_agent_idx on runs (tenant_id, agent_id, id desc);
create index runs_unfinished_idx on runs (status) where status in ('queued', 'running', 'waiting');

-- The run state machine, enforced below the application too:
-- queued → running ⇄ waiting → succeeded | failed | cancelled | timed_out.
create function check_run_transition() returns trigger language plpgsql as $$
begin
  if new.status = old.status then
    return new;
  end if;
  if (old.status = 'queued' and new.status in ('running', 'failed', 'cancelled', 'timed_out'))
    or (old.status = 'running' and new.status in ('waiting', 'succeeded', 'failed', 'cancelled', 'timed_out'))
    or (old.status = 'waiting' and new.status in ('running', 'failed', 'cancelled', 'timed_out')) then
    return new;
  end if;
  raise exception 'run % cannot move from % to %', old.id, old.status, new.status
    using errcode = 'AR002';
end;
$$;

create trigger runs_state_machine
  before update of status on runs
  for each row execute function check_run_transition();

create table run_events (
  run_id uuid not null references runs (id),
  seq integer not null check (seq >= 1),
  tenant_id uuid not null references tenants (id),
  type text not null,
  step integer,
  data jsonb not null,
  dedupe_key text not null,
  created_at timestamptz not null default now(),
  primary key (run_id, seq),
  unique (run_id, dedupe_key)
);

create function reject_run_event_change() returns trigger language plpgsql as $$
begin
  raise exception 'run events are append-only: % rejected', tg_op using errcode = 'AR003';
end;
$$;

create trigger run_events_append_only
  before update or delete on run_events
  for each row execute function reject_run_event_change();

create table tool_calls (
  idempotency_key text primary key,
  run_id uuid not null references runs (id),
  step integer not null,
  call_id text not null,
  tool text not null,
  status text not null check (status in ('started', 'completed')),
  attempts integer not null default 1,
  result jsonb,
  started_at timestamptz not null default now(),
  completed_at timestamptz
);

create index tool_calls_run_id_idx on tool_calls (run_id);
