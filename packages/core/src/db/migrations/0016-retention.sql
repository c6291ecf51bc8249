-- Retention (docs/retention.md): how long a tenant's runs, threads, artifacts and claim-check
-- payload blobs are kept, and what the scheduled pruning looks them up by.

-- Days to keep each kind of object; null follows the deployment's default (`AR_RETENTION_*`),
-- 0 keeps it for ever.
alter table tenants
  add column retention_runs_days integer check (retention_runs_days >= 0),
  add column retention_threads_days integer check (retention_threads_days >= 0),
  add column retention_artifacts_days integer check (retention_artifacts_days >= 0),
  add column retention_payloads_days integer check (retention_payloads_days >= 0);

-- When the blobs of the run's large Temporal payloads (claim check) were deleted: the run
-- itself may be kept much longer, and needs none of them once its workflow has closed.
alter table runs add column payloads_pruned_at timestamptz;

create index runs_ended_idx on runs (ended_at, id) where ended_at is not null;
create index runs_payloads_unpruned_idx on runs (ended_at, id)
  where ended_at is not null and payloads_pruned_at is null;
-- A run that an unfinished replay reads its recorded steps from is not pruned yet.
create index runs_replay_of_idx on runs (replay_of_run_id) where replay_of_run_id is not null;
create index artifacts_created_idx on artifacts (created_at, id);
create index threads_updated_idx on threads (updated_at, id);

-- Run events stay append-only, with one exception: deleting a run for good (retention, a
-- deleted thread) deletes its events too. That code says so inside its own transaction with
-- `set_config('agent_runtime.deleting_runs', 'on', true)`; every other update or delete is
-- still refused.
create or replace function reject_run_event_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('agent_runtime.deleting_runs', true) = 'on' then
    return old;
  end if;
  raise exception 'run events are append-only: % rejected', tg_op using errcode = 'AR003';
end;
$$;
