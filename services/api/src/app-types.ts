import type { Config, Database, Logger, Telemetry } from '@agent-runtime/core';
import type { Client } from '@temporalio/client';
import type {
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';

/** What the API needs from its process; built once in the composition root. */
export interface ApiDependencies {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly temporal: Client;
  readonly logger: Logger;
  /**
   * The process's tracing and metrics (`createTelemetry`): a span per request, and the
   * registry `GET /metrics` serves. @default local metrics, no export
   */
  readonly telemetry?: Telemetry;
}

/** The Fastify instance with zod schemas as its type provider. */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger,
  ZodTypeProvider
>;
