-- Webhooks out (docs/webhooks.md): endpoints a tenant registers, the signing secrets of
-- endpoints and of runs' one-off `webhookUrl`, and an outbox of deliveries filled in the
-- transaction that appends the run event, so no event is ever delivered without being stored
-- nor stored without its deliveries.

create table webhooks (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  url text not null,
  description text,
  enabled boolean not null default true,
  -- The webhook event types it receives (`run.succeeded`, `schedule.fired`, …).
  event_types text[] not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhooks_tenant_idx on webhooks (tenant_id, id);

-- Signing secrets, sealed like tenant secrets (AES-256-GCM under a data key wrapped by the
-- master key). `webhook_id` null: the tenant's secret for runs' `webhookUrl`. The current
-- secret has no `expires_at`; a rotated one keeps signing until it passes.
create table webhook_secrets (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  webhook_id uuid references webhooks (id) on delete cascade,
  key_id text not null,
  wrapped_data_key bytea not null,
  ciphertext bytea not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz
);
create index webhook_secrets_owner_idx on webhook_secrets (tenant_id, webhook_id);
create unique index webhook_secrets_current_idx
  on webhook_secrets (tenant_id, coalesce(webhook_id, '00000000-0000-0000-0000-000000000000'::uuid))
  where expires_at is null;

-- A run's one-off endpoint, signed with its tenant's run secret.
alter table runs add column webhook_url text;

-- One event to one endpoint. `generation` counts the sends asked for (1, then one more per
-- redeliver); `started_generation` the ones whose workflow has started: the sweeper starts
-- the rest. `payload` is the body, the same on every attempt.
create table webhook_deliveries (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  -- Null: the run's own `webhookUrl`.
  webhook_id uuid references webhooks (id) on delete cascade,
  run_id uuid not null,
  event_seq integer not null,
  event_type text not null,
  url text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  generation integer not null default 1,
  started_generation integer not null default 0,
  attempt_count integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (webhook_id, run_id, event_seq, event_type)
);
create index webhook_deliveries_webhook_idx on webhook_deliveries (tenant_id, webhook_id, id desc);
create index webhook_deliveries_run_idx on webhook_deliveries (tenant_id, run_id);
create index webhook_deliveries_unstarted_idx on webhook_deliveries (created_at)
  where started_generation < generation;

create table webhook_delivery_attempts (
  delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
  attempt integer not null,
  tenant_id uuid not null references tenants (id),
  started_at timestamptz not null,
  duration_ms integer not null,
  status_code integer,
  -- The start of the response body (at most 1 KiB), for the delivery log.
  response_body text,
  error text,
  primary key (delivery_id, attempt)
);

-- A UUIDv7 (RFC 9562) made in the database, as `newId` makes them: delivery ids sort by
-- creation time, so the delivery log pages by id like every other list.
create function webhook_delivery_id() returns uuid language sql volatile as $$
  select encode(
    set_bit(
      set_bit(
        overlay(uuid_send(gen_random_uuid())
          placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
          from 1 for 6),
        52, 1),
      53, 1),
    'hex')::uuid
$$;

-- The webhook event types an appended run event makes: its own type for the terminal events,
-- `approval.requested` and `artifact.created`; `run.waiting` too for `approval.requested`
-- (the run is waiting for the decision); `schedule.fired` for the `run.started` of a run a
-- schedule made.
create function webhook_event_types_of(p_type text, p_metadata jsonb) returns text[]
language sql immutable as $$
  select case
    when p_type in ('run.succeeded', 'run.failed', 'run.cancelled', 'run.timed_out', 'artifact.created')
      then array[p_type]
    when p_type = 'approval.requested' then array['approval.requested', 'run.waiting']
    when p_type = 'run.started' and p_metadata ? 'schedule.id' then array['schedule.fired']
    else array[]::text[]
  end
$$;

-- The outbox: each appended event that makes webhook event types gets one delivery per
-- enabled endpoint of the tenant subscribed to a type, and one per type to the run's
-- `webhookUrl`, in the event's transaction.
create function enqueue_webhook_deliveries() returns trigger language plpgsql as $$
declare
  v_run runs%rowtype;
  v_type text;
  v_payload jsonb;
begin
  -- Most events (steps, tool calls, messages) make none: they cost no read.
  if new.type not in ('run.started', 'run.succeeded', 'run.failed', 'run.cancelled', 'run.timed_out',
                      'approval.requested', 'artifact.created') then
    return null;
  end if;
  select * into v_run from runs where id = new.run_id and tenant_id = new.tenant_id;
  foreach v_type in array webhook_event_types_of(new.type, v_run.metadata) loop
    v_payload := jsonb_build_object(
      'type', v_type,
      'timestamp', to_char(new.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', jsonb_build_object(
        'runId', new.run_id,
        'agentId', v_run.agent_id,
        'agentVersion', v_run.agent_version,
        'threadId', v_run.thread_id,
        'seq', new.seq,
        'eventType', new.type,
        'event', new.data
      ) || case when v_type = 'schedule.fired' then jsonb_build_object(
        'scheduleId', v_run.metadata ->> 'schedule.id',
        'firedAt', v_run.metadata ->> 'schedule.firedAt'
      ) else '{}'::jsonb end
    );
    insert into webhook_deliveries (id, tenant_id, webhook_id, run_id, event_seq, event_type, url, payload)
      select webhook_delivery_id(), new.tenant_id, w.id, new.run_id, new.seq, v_type, w.url, v_payload
        from webhooks w
       where w.tenant_id = new.tenant_id and w.enabled and v_type = any (w.event_types)
      on conflict do nothing;
    if v_run.webhook_url is not null then
      insert into webhook_deliveries (id, tenant_id, webhook_id, run_id, event_seq, event_type, url, payload)
        values (webhook_delivery_id(), new.tenant_id, null, new.run_id, new.seq, v_type, v_run.webhook_url, v_payload)
        on conflict do nothing;
    end if;
  end loop;
  return null;
end;
$$;

create trigger run_events_webhook_outbox after insert on run_events
  for each row execute function enqueue_webhook_deliveries();
