-- Appending an event in one round trip: lock the run row, skip a dedupe key the run already
-- has, take the next seq, insert. In a plpgsql function each statement takes a fresh
-- snapshot, so the duplicate check made after the lock sees every event committed before it.

create function append_run_event(
  p_run_id uuid,
  p_type text,
  p_step integer,
  p_data jsonb,
  p_dedupe_key text
) returns setof run_events language plpgsql as $$
declare
  v_tenant_id uuid;
  v_seq integer;
begin
  select tenant_id, last_event_seq + 1 into v_tenant_id, v_seq
    from runs where id = p_run_id for update;
  if not found then
    raise exception 'run % does not exist', p_run_id using errcode = 'AR004';
  end if;
  if exists (select 1 from run_events where run_id = p_run_id and dedupe_key = p_dedupe_key) then
    return;
  end if;
  update runs set last_event_seq = v_seq where id = p_run_id;
  return query
    insert into run_events (run_id, seq, tenant_id, type, step, data, dedupe_key)
    values (p_run_id, v_seq, v_tenant_id, p_type, p_step, p_data, p_dedupe_key)
    returning *;
end;
$$;
