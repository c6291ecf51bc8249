-- Checkpoints of LangGraph agents (docs/agents.md, "LangGraph agents"): what
-- `@langchain/langgraph-checkpoint`'s BaseCheckpointSaver stores, kept in the runtime's own
-- database. A run's graph runs on thread `thread_id` = the run's id; `checkpoint_ns` is '' for
-- the graph itself and names a subgraph otherwise. Values are the saver's serialized bytes.

create table langgraph_checkpoints (
  thread_id text not null,
  checkpoint_ns text not null default '',
  checkpoint_id text not null,
  parent_checkpoint_id text,
  type text not null,
  checkpoint bytea not null,
  metadata bytea not null,
  created_at timestamptz not null default now(),
  primary key (thread_id, checkpoint_ns, checkpoint_id)
);

-- The writes each task of a super-step made after `checkpoint_id`, so that a super-step
-- interrupted half way does not run its finished tasks again.
create table langgraph_checkpoint_writes (
  thread_id text not null,
  checkpoint_ns text not null default '',
  checkpoint_id text not null,
  task_id text not null,
  idx integer not null,
  channel text not null,
  type text not null,
  value bytea not null,
  task_path text not null default '',
  primary key (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
);
