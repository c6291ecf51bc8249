import { z } from 'zod';

/**
 * The subset of Kong's DB-less declarative format (`_format_version: "3.0"`) that
 * gateway/kong.yml may use, written from the Kong 3.x entity and plugin schemas: every object
 * is strict, so an unknown entity, field or plugin (or a misspelt one) fails validation, as
 * it would fail Kong's own loading. deck, Kong's validator, cannot be built on these machines
 * (the Go module proxy refuses its module, and the checksum database lacks several of its
 * dependencies), hence this; docs/gateway.md has the details.
 * Extend it when the gateway uses more of Kong.
 */

/** Kong entity names: letters, digits and `-._~`. */
const entityName = z.string().regex(/^[A-Za-z0-9._~-]+$/);
const tags = z.array(z.string().regex(/^[\x21-\x7e]+$/)).optional();
const timeoutMs = z.number().int().min(1).max(2_147_483_646);
const protocols = z.array(z.enum(['http', 'https', 'grpc', 'grpcs'])).min(1);

/** A compilable regular expression (Kong's PCRE/Rust syntax is close to JavaScript's for these). */
const regex = z.string().refine((value) => {
  try {
    new RegExp(value);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

/** A route path: a prefix starting with `/`, or `~` and a regex matched from the start of the path. */
const routePath = z.union([
  z.string().regex(/^\/[^~\s]*$/, 'a prefix path starts with /'),
  z
    .string()
    .regex(/^~\//, 'a regex path is ~ then a regex starting with /')
    .refine((value) => regex.safeParse(value.slice(1)).success, 'must be a valid regular expression'),
]);

const pluginCommon = {
  enabled: z.boolean().optional(),
  protocols: protocols.optional(),
  instance_name: entityName.optional(),
  tags,
};

const requestSizeLimiting = z.strictObject({
  name: z.literal('request-size-limiting'),
  config: z.strictObject({
    allowed_payload_size: z.number().int().min(0).optional(),
    size_unit: z.enum(['megabytes', 'kilobytes', 'bytes']).optional(),
    require_content_length: z.boolean().optional(),
  }),
  ...pluginCommon,
});

const ratePeriods = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
const rateLimiting = z.strictObject({
  name: z.literal('rate-limiting'),
  config: z
    .strictObject({
      second: z.number().positive().optional(),
      minute: z.number().positive().optional(),
      hour: z.number().positive().optional(),
      day: z.number().positive().optional(),
      month: z.number().positive().optional(),
      year: z.number().positive().optional(),
      limit_by: z.enum(['consumer', 'credential', 'ip', 'service', 'header', 'path']).optional(),
      header_name: z.string().optional(),
      path: z.string().startsWith('/').optional(),
      // DB-less Kong has no `cluster` policy: there is no database to count in.
      policy: z.enum(['local', 'redis']).optional(),
      fault_tolerant: z.boolean().optional(),
      hide_client_headers: z.boolean().optional(),
      error_code: z.number().positive().optional(),
      error_message: z.string().optional(),
      sync_rate: z.number().optional(),
    })
    .refine((config) => ratePeriods.some((period) => config[period] !== undefined), 'set at least one period')
    .refine((config) => {
      const limits = ratePeriods.map((period) => config[period]).filter((limit) => limit !== undefined);
      return limits.every((limit, index) => index === 0 || limit >= (limits[index - 1] ?? 0));
    }, 'a longer period cannot have a lower limit than a shorter one')
    .refine((config) => config.policy !== 'redis', 'the redis policy needs config.redis, not modelled here')
    .refine(
      (config) => config.limit_by !== 'header' || config.header_name !== undefined,
      'limit_by header needs header_name',
    )
    .refine((config) => config.limit_by !== 'path' || config.path !== undefined, 'limit_by path needs path'),
  ...pluginCommon,
});

const cors = z.strictObject({
  name: z.literal('cors'),
  config: z.strictObject({
    origins: z.array(z.union([z.literal('*'), regex])).optional(),
    headers: z.array(z.string().regex(/^[A-Za-z0-9-]+$/)).optional(),
    exposed_headers: z.array(z.string().regex(/^[A-Za-z0-9-]+$/)).optional(),
    methods: z
      .array(z.enum(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']))
      .optional(),
    max_age: z.number().optional(),
    credentials: z.boolean().optional(),
    private_network: z.boolean().optional(),
    preflight_continue: z.boolean().optional(),
  }),
  ...pluginCommon,
});

const correlationId = z.strictObject({
  name: z.literal('correlation-id'),
  config: z.strictObject({
    header_name: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .optional(),
    generator: z.enum(['uuid', 'uuid#counter', 'tracker']).optional(),
    echo_downstream: z.boolean().optional(),
  }),
  ...pluginCommon,
});

/** The plugins the gateway may use; any other name is rejected. */
export const kongPluginSchema = z.discriminatedUnion('name', [requestSizeLimiting, rateLimiting, cors, correlationId]);

export const kongRouteSchema = z
  .strictObject({
    name: entityName,
    paths: z.array(routePath).min(1).optional(),
    methods: z
      .array(z.string().regex(/^[A-Z]+$/))
      .min(1)
      .optional(),
    hosts: z.array(z.string().min(1)).min(1).optional(),
    headers: z.record(z.string(), z.array(z.string())).optional(),
    protocols: protocols.optional(),
    strip_path: z.boolean().optional(),
    preserve_host: z.boolean().optional(),
    regex_priority: z.number().int().optional(),
    path_handling: z.enum(['v0', 'v1']).optional(),
    https_redirect_status_code: z
      .union([z.literal(426), z.literal(301), z.literal(302), z.literal(307), z.literal(308)])
      .optional(),
    request_buffering: z.boolean().optional(),
    response_buffering: z.boolean().optional(),
    tags,
    plugins: z.array(kongPluginSchema).optional(),
  })
  .refine(
    (route) => route.paths ?? route.methods ?? route.hosts ?? route.headers,
    'an http route must match on at least one of paths, methods, hosts, headers',
  );

export const kongServiceSchema = z
  .strictObject({
    name: entityName,
    url: z.url({ protocol: /^(https?|grpcs?|tcp|tls|udp)$/ }).optional(),
    protocol: z.enum(['http', 'https', 'grpc', 'grpcs', 'tcp', 'tls', 'udp']).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    path: z.string().startsWith('/').optional(),
    retries: z.number().int().min(0).max(32767).optional(),
    connect_timeout: timeoutMs.optional(),
    write_timeout: timeoutMs.optional(),
    read_timeout: timeoutMs.optional(),
    enabled: z.boolean().optional(),
    tags,
    routes: z.array(kongRouteSchema).optional(),
    plugins: z.array(kongPluginSchema).optional(),
  })
  .refine((service) => (service.url === undefined) !== (service.host === undefined), 'give either url or host')
  .refine(
    (service) => service.url === undefined || (service.protocol ?? service.port ?? service.path) === undefined,
    'url already sets protocol, port and path',
  );

/** A DB-less declarative configuration (`kong.yml`). */
export const kongDeclarativeSchema = z
  .strictObject({
    _format_version: z.literal('3.0'),
    _transform: z.boolean().optional(),
    services: z.array(kongServiceSchema).optional(),
    plugins: z.array(kongPluginSchema).optional(),
  })
  .superRefine((config, context) => {
    const names = (kind: string, values: string[]) => {
      const seen = new Set<string>();
      for (const name of values) {
        if (seen.has(name)) context.addIssue({ code: 'custom', message: `duplicate ${kind} name ${name}` });
        seen.add(name);
      }
    };
    names(
      'service',
      (config.services ?? []).map((service) => service.name),
    );
    names(
      'route',
      (config.services ?? []).flatMap((service) => (service.routes ?? []).map((route) => route.name)),
    );
  });

export type KongDeclarativeConfig = z.infer<typeof kongDeclarativeSchema>;
export type KongRoute = z.infer<typeof kongRouteSchema>;
