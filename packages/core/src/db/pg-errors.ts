/** The SQLSTATE of a database error, for both node-postgres and PGlite errors. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** SQLSTATE codes the repositories react to. */
export const sqlStates = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  /** Raised by the `agent_versions_immutable` trigger. */
  versionImmutable: 'AR001',
  /** Raised by the `runs_state_machine` trigger. */
  invalidRunTransition: 'AR002',
  /** Raised by the `run_events_append_only` trigger. */
  eventsAppendOnly: 'AR003',
  /** Raised by `append_run_event` for a run that does not exist in the tenant named. */
  runNotFound: 'AR004',
  /** Raised by the `audit_events_append_only` trigger. */
  auditAppendOnly: 'AR005',
} as const;
