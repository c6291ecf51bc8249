-- Tenant secrets, envelope-encrypted (see docs/secrets.md): the value sealed under a per-secret
-- data key, the data key wrapped under the master key `key_id`. No column holds a plaintext.

create table secrets (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  name text not null check (name ~ '^[A-Za-z][A-Za-z0-9_-]{0,127}$'),
  description text,
  key_id text not null,
  wrapped_data_key bytea not null,
  ciphertext bytea not null,
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, name)
);

create index secrets_tenant_id_idx on secrets (tenant_id, id desc);

-- Rotation re-wraps every data key not under the current master key; this finds them.
create index secrets_key_id_idx on secrets (key_id);
