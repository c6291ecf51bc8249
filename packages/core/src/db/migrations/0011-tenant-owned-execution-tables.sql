-- Every tenant-owned row carries its tenant: the rows the execution
-- plane writes for a run (tool calls, recorded step replies, LangGraph checkpoints) get the
-- run's tenant, so that every read and write of them names the tenant, as the API's do.
--
-- Keys follow the other tables: a row keyed by a run (a server-made id) keeps the run in its
-- key, as run_events and artifacts do; a key over a name a caller or a framework picks (a tool
-- call's idempotency key, a LangGraph thread id) includes the tenant, as agents, secrets and
-- the runs' idempotency keys do, so two tenants can never meet on one name.

-- Tool calls: backfilled from their run.
alter table tool_calls add column tenant_id uuid references tenants (id);
update tool_calls set tenant_id = runs.tenant_id from runs where runs.id = tool_calls.run_id;
alter table tool_calls alter column tenant_id set not null;
alter table tool_calls drop constraint tool_calls_pkey;
alter table tool_calls add primary key (tenant_id, idempotency_key);
drop index tool_calls_run_id_idx;
create index tool_calls_run_idx on tool_calls (tenant_id, run_id, step, call_id);

-- Recorded decision-step replies: backfilled from their run.
alter table model_step_replies add column tenant_id uuid references tenants (id);
update model_step_replies set tenant_id = runs.tenant_id from runs where runs.id = model_step_replies.run_id;
alter table model_step_replies alter column tenant_id set not null;

-- LangGraph checkpoints and writes: a runtime LangGraph agent's thread is its run, so the
-- tenant is the run's. A row whose thread is no run belongs to no tenant and no run can read
-- it: it is deleted rather than given a tenant it never had.
alter table langgraph_checkpoints add column tenant_id uuid references tenants (id);
update langgraph_checkpoints set tenant_id = runs.tenant_id
  from runs where runs.id::text = langgraph_checkpoints.thread_id;
delete from langgraph_checkpoints where tenant_id is null;
alter table langgraph_checkpoints alter column tenant_id set not null;
alter table langgraph_checkpoints drop constraint langgraph_checkpoints_pkey;
alter table langgraph_checkpoints add primary key (tenant_id, thread_id, checkpoint_ns, checkpoint_id);

alter table langgraph_checkpoint_writes add column tenant_id uuid references tenants (id);
update langgraph_checkpoint_writes set tenant_id = runs.tenant_id
  from runs where runs.id::text = langgraph_checkpoint_writes.thread_id;
delete from langgraph_checkpoint_writes where tenant_id is null;
alter table langgraph_checkpoint_writes alter column tenant_id set not null;
alter table langgraph_checkpoint_writes drop constraint langgraph_checkpoint_writes_pkey;
alter table langgraph_checkpoint_writes
  add primary key (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx);
