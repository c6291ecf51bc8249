-- The reply of each completed decision step (model call, code or HTTP agent step, super-step),
-- as the workflow got it, state included. An attempt that recorded its reply and then died
-- before Temporal saw it finish leaves it here: the retried attempt returns it instead of
-- asking the model again, so the events, the tool steps and the workflow agree on one reply.
-- One row per step of a run: step numbers keep counting across continue-as-new.
create table model_step_replies (
  run_id uuid not null references runs (id),
  step integer not null,
  reply jsonb not null,
  recorded_at timestamptz not null default now(),
  primary key (run_id, step)
);
