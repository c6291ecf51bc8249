-- Threads (docs/threads.md): conversations that runs continue turn by turn.

create table threads (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  metadata jsonb not null default '{}',
  -- For a fork: the adapter state of the turn it was forked after (a code or HTTP agent's
  -- state, an OpenAI agent's current agent), handed to its first turn.
  agent_state jsonb,
  -- The thread and message this one was forked from, when it was.
  forked_from jsonb,
  -- `{ throughSeq, text }`: a model's summary of the thread's messages up to `throughSeq`, which
  -- a spec's history policy (`summarize`) gives the model in place of those messages.
  summary jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index threads_tenant_idx on threads (tenant_id, id);
create index threads_metadata_idx on threads using gin (metadata jsonb_path_ops);

-- A message's body, written once and shared by every thread that holds it: a fork copies the
-- thread's references to its bodies, never the bodies themselves.
create table conversation_messages (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  message jsonb not null,
  created_at timestamptz not null default now()
);

-- A thread's conversation in order. `run_id` and `position` name the turn (the run) that
-- wrote the message and its place in that turn, so a retried write of a turn adds nothing.
create table thread_messages (
  thread_id uuid not null references threads (id) on delete cascade,
  seq integer not null,
  tenant_id uuid not null references tenants (id),
  message_id uuid not null references conversation_messages (id),
  run_id uuid,
  position integer not null,
  created_at timestamptz not null default now(),
  primary key (thread_id, seq)
);
create unique index thread_messages_turn_idx on thread_messages (thread_id, run_id, position);
create index thread_messages_message_idx on thread_messages (message_id);

-- A run may be a turn of a thread. `turn_state`: what its adapter ended the turn with, handed to
-- the thread's next turn. `thread_discarded_at`: the turn was rolled back by a newer run (double
-- texting), so its messages never join the thread and its state is not handed on.
alter table runs
  add column thread_id uuid references threads (id),
  add column turn_state jsonb,
  add column thread_discarded_at timestamptz;
create index runs_thread_idx on runs (thread_id, created_at, id) where thread_id is not null;
