-- Run artifacts: the metadata lives here, the bytes in the blob store under blob_key.

create table artifacts (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  run_id uuid not null references runs (id),
  name text not null check (char_length(name) between 1 and 255),
  content_type text not null check (char_length(content_type) between 3 and 255),
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  blob_key text not null unique,
  source text not null check (source in ('api', 'tool', 'agent')),
  -- Where a tool made it: the model step and the tool call; null for uploads.
  step integer,
  tool_call_id text,
  -- Makes a retried write of the same artifact (a tool call's activity retry) a no-op.
  dedupe_key text,
  created_at timestamptz not null default now(),
  unique (run_id, dedupe_key)
);

-- Listing a run's artifacts, newest first, with the id as cursor.
create index artifacts_run_idx on artifacts (tenant_id, run_id, id desc);
