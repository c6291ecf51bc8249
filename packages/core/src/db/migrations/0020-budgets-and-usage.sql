-- Budgets and usage (docs/usage.md): a tenant's monthly budget, the ledger of what each
-- decision step used, and a running total per tenant and month, so the spent-this-month
-- check at every run create and model step reads one row.

alter table tenants
  add column monthly_cost_usd double precision check (monthly_cost_usd >= 0),
  add column monthly_tokens bigint check (monthly_tokens >= 0);

-- One row per decision step that ran (replayed steps called nothing and have none): what it
-- used, as the step's recorded reply says. Billing data: no foreign key to runs or agents, so
-- retention deleting an ended run keeps what the run spent.
create table step_usage (
  tenant_id uuid not null references tenants (id),
  run_id uuid not null,
  step integer not null,
  agent_id uuid not null,
  -- The spec's model provider and model id; null for adapters that call their own models.
  provider text,
  model text,
  input_tokens integer not null,
  output_tokens integer not null,
  total_tokens integer not null,
  cached_input_tokens integer not null,
  cost_usd double precision not null,
  recorded_at timestamptz not null default now(),
  primary key (run_id, step)
);
create index step_usage_tenant_time_idx on step_usage (tenant_id, recorded_at);

-- The tenant's tokens and cost per calendar month (UTC), added to in the statement that
-- writes each step_usage row, so it always equals the sum of that month's rows.
create table tenant_monthly_usage (
  tenant_id uuid not null references tenants (id),
  month date not null,
  total_tokens bigint not null default 0,
  cost_usd double precision not null default 0,
  primary key (tenant_id, month)
);
