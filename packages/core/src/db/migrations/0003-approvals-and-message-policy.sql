-- Human in the loop: approvals a run waits for, shown on the run object, and how a run
-- treats a user message that arrives while it is busy.

alter table runs
  add column pending_approvals jsonb not null default '[]',
  add column message_policy text not null default 'enqueue'
    check (message_policy in ('reject', 'enqueue', 'interrupt'));
