import {
  createSecret,
  deleteSecret,
  getSecret,
  listSecrets,
  NotFoundError,
  pageSchema,
  recordAuditEvent,
  replaceSecretValue,
  secretNameSchema,
  secretSchema,
  secretValueSchema,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { pageQuery, problemResponses } from '../http/schemas.ts';

const description = z.string().max(2000);
const secretParams = z.strictObject({ name: z.string().max(200) });

/** A secret name from the path: one that cannot exist answers 404, like ids elsewhere. */
function existingName(name: string): string {
  if (!secretNameSchema.safeParse(name).success) throw new NotFoundError('secret', name);
  return name;
}

/**
 * Tenant secrets (admins only). Values are write-only: they are accepted by POST and PUT,
 * stored envelope-encrypted, and no response, log line, event or workflow history ever
 * carries them; agents use them by name (see docs/secrets.md).
 */
export function registerSecretRoutes(
  app: ApiInstance,
  { db, config: { AR_MASTER_KEYS: masterKeys } }: ApiDependencies,
) {
  const config = { access: 'admin' as const };
  const tags = ['secrets'];

  app.post(
    '/v1/secrets',
    {
      config,
      schema: {
        tags,
        description: 'Stores a secret. The response carries its metadata only; the value can never be read back.',
        body: z.strictObject({ name: secretNameSchema, value: secretValueSchema, description: description.optional() }),
        response: { 201: secretSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const secret = await db.transaction().execute(async (trx) => {
        const created = await createSecret(trx, masterKeys, request.principal.tenantId, request.body);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'secret.created',
          target: { type: 'secret', id: created.name },
        });
        return created;
      });
      return reply.status(201).send(secret);
    },
  );

  app.get(
    '/v1/secrets',
    {
      config,
      schema: {
        tags,
        description: 'The tenant’s secrets, newest first: metadata only.',
        querystring: z.strictObject(pageQuery),
        response: { 200: pageSchema(secretSchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => listSecrets(db, request.principal.tenantId, request.query),
  );

  app.get(
    '/v1/secrets/:name',
    {
      config,
      schema: { tags, params: secretParams, response: { 200: secretSchema, ...problemResponses(401, 403, 404) } },
    },
    async (request) => getSecret(db, request.principal.tenantId, existingName(request.params.name)),
  );

  app.put(
    '/v1/secrets/:name',
    {
      config,
      schema: {
        tags,
        description:
          'Replaces the value (rotating the credential it holds), under a fresh data key; `version` goes up by one. ' +
          'Runs use the new value from their next call on.',
        params: secretParams,
        body: z.strictObject({ value: secretValueSchema, description: description.nullable().optional() }),
        response: { 200: secretSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422, 503) },
      },
    },
    async (request) => {
      const name = existingName(request.params.name);
      return db.transaction().execute(async (trx) => {
        const secret = await replaceSecretValue(trx, masterKeys, request.principal.tenantId, name, request.body);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'secret.value_replaced',
          target: { type: 'secret', id: name },
          details: { version: secret.version },
        });
        return secret;
      });
    },
  );

  app.delete(
    '/v1/secrets/:name',
    {
      config,
      schema: {
        tags,
        description:
          'Deletes the secret and its encrypted value for good. Agent versions naming it stay valid, but their ' +
          'calls that need it fail with `secret_not_found`, naming the secret.',
        params: secretParams,
        response: { 204: z.null().describe('Deleted'), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const name = existingName(request.params.name);
      await db.transaction().execute(async (trx) => {
        await deleteSecret(trx, request.principal.tenantId, name);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'secret.deleted',
          target: { type: 'secret', id: name },
        });
      });
      return reply.status(204).send(null);
    },
  );
}
