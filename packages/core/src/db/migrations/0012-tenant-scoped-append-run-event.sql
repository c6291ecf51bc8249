-- Appending a run's event names the run's tenant, as every other write of a tenant-owned row
-- does: the run is locked only if it is that tenant's, and another tenant's run is "run does
-- not exist" (AR004), exactly like a missing one. The function of migration 0002, which took
-- the run id alone, is dropped so that no writer can append without naming the tenant.
-- Otherwise the same: lock the run row, skip a dedupe key the run already has, take the next
-- seq, insert. In a plpgsql function each statement takes a fresh snapshot, so the duplicate
-- check made after the lock sees every event committed before it.

drop function append_run_event(uuid, text, integer, jsonb, text);

create function append_run_event(
  p_tenant_id uuid,
  p_run_id uuid,
  p_type text,
  p_step integer,
  p_data jsonb,
  p_dedupe_key text
) returns setof run_events language plpgsql as $$
declare
  v_seq integer;
begin
  select last_event_seq + 1 into v_seq
    from runs where id = p_run_id and tenant_id = p_tenant_id for update;
  if not found then
    raise exception 'run % does not exist in tenant %', p_run_id, p_tenant_id using errcode = 'AR004';
  end if;
  if exists (select 1 from run_events where run_id = p_run_id and dedupe_key = p_dedupe_key) then
    return;
  end if;
  update runs set last_event_seq = v_seq where id = p_run_id and tenant_id = p_tenant_id;
  return query
    insert into run_events (run_id, seq, tenant_id, type, step, data, dedupe_key)
    values (p_run_id, v_seq, p_tenant_id, p_type, p_step, p_data, p_dedupe_key)
    returning *;
end;
$$;
