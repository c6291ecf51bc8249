/** Roles a credential can hold. */
export const roles = ['platform-admin', 'tenant-admin', 'developer', 'viewer'] as const;

/** A role a credential can hold. */
export type Role = (typeof roles)[number];

/** Who is calling: the tenant every query is scoped to, and what they may do. */
export interface Principal {
  readonly tenantId: string;
  readonly subject: string;
  readonly roles: readonly Role[];
}
