-- API keys: who created a key and when it stops working. The audit log: who did what in a
-- tenant, append-only like run events.

alter table api_keys
  add column created_by text,
  add column expires_at timestamptz;

create index api_keys_tenant_id_idx on api_keys (tenant_id, id desc);

create table audit_events (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  occurred_at timestamptz not null default now(),
  actor_subject text not null,
  actor_kind text not null check (actor_kind in ('api_key', 'user', 'system')),
  action text not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
  target_type text not null,
  target_id text not null,
  request_id text,
  details jsonb not null default '{}'
);

create index audit_events_tenant_id_idx on audit_events (tenant_id, id desc);
create index audit_events_tenant_target_idx on audit_events (tenant_id, target_type, target_id, id desc);

create function reject_audit_event_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit events are append-only: % rejected', tg_op using errcode = 'AR005';
end;
$$;

create trigger audit_events_append_only
  before update or delete on audit_events
  for each row execute function reject_audit_event_change();

create trigger audit_events_no_truncate
  before truncate on audit_events
  for each statement execute function reject_audit_event_change();
