-- The long-term memory store (docs/memory.md): namespaced JSON items of a tenant, optionally
-- embedded for semantic search.
--
-- `namespace_path` is the namespace: its labels, each followed by U+001F (which no label may
-- hold), in the C collation. Every namespace under a prefix is then one range of the primary
-- key's index, [prefix, prefix with its last U+001F replaced by U+0020), so listings and
-- searches by prefix read only the rows under it.

create table memory_items (
  tenant_id uuid not null references tenants (id),
  namespace_path text collate "C" not null check (namespace_path like '%' || chr(31)),
  key text collate "C" not null,
  value jsonb not null check (jsonb_typeof(value) = 'object'),
  -- The value fields embedded for semantic search; null: none.
  index_fields text[],
  -- The model that made `embedding` (`<provider>:<model id>`); null without an embedding.
  embedding_model text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Null: lives until deleted. Reads skip expired rows at once; a sweep deletes them.
  expires_at timestamptz,
  primary key (tenant_id, namespace_path, key)
);

-- The sweep of expired items.
create index memory_items_expires_at_idx on memory_items (expires_at) where expires_at is not null;

-- Vectors need the pgvector extension. PGlite always has it (the runtime loads it); a
-- PostgreSQL server has it when pgvector is installed there. Where it is not, or the role
-- that migrates may not create it, the store works without semantic search, which answers
-- 409 semantic_search_unavailable (docs/memory.md says how to add it later).
--
-- The column has no fixed dimension: it holds whatever the configured model returns, and a
-- search compares only rows of its own model. Searches are exact (no approximate index): they
-- rank the tenant's rows under one namespace prefix, which an index over all rows would not
-- narrow first.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'vector') then
    begin
      create extension if not exists vector;
    exception when insufficient_privilege then
      raise notice 'pgvector is installed but this role may not create the extension: memory items are stored without embeddings';
    end;
  end if;
  if exists (select 1 from pg_extension where extname = 'vector') then
    alter table memory_items add column embedding vector;
  end if;
end
$$;
