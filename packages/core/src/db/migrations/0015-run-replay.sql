-- A replay (POST /v1/runs/{id}/replay) is a new run that records the run it replays and the
-- step it re-runs from: its steps before that one are answered from the source run's recorded
-- replies and tool results. No foreign key to the source: pruning a source run (retention)
-- must neither be blocked by its replays nor take them along; the replay keeps the id it was
-- made from, as a record. Both columns are set, or neither.
alter table runs add column replay_of_run_id uuid;
alter table runs add column replay_from_step integer;
alter table runs add constraint runs_replay_check check (
  (replay_of_run_id is null and replay_from_step is null)
  or (replay_of_run_id is not null and replay_from_step >= 1)
);
