import type { Config } from './config.ts';

/**
 * How a process reaches the Temporal frontend: the address, TLS and credentials, in the shape
 * both `Connection` (`@temporalio/client`) and `NativeConnection` (`@temporalio/worker`) take.
 */
export interface TemporalConnectionSettings {
  /** `host:port` of the frontend (Temporal Cloud: `<namespace>.<account>.tmprl.cloud:7233` or a regional endpoint). */
  readonly address: string;
  /** TLS on (with the client certificate of mutual TLS, when there is one), or absent for plain gRPC. */
  readonly tls?: { readonly clientCertPair?: { readonly crt: Buffer; readonly key: Buffer } };
  /** API key sent as a bearer token on every call (Temporal Cloud API-key auth). */
  readonly apiKey?: string;
  /** gRPC metadata of every call: with an API key, the namespace Temporal Cloud routes the call to. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * The Temporal connection of `config`: the API's client and every worker connect with the same
 * settings. TLS is on when `TEMPORAL_TLS` says so or, unset, when there is a credential
 * (`loadConfig` has already refused contradictory credentials).
 */
export function temporalConnectionSettings(config: Config & { TEMPORAL_ADDRESS: string }): TemporalConnectionSettings {
  const cert = config.TEMPORAL_TLS_CLIENT_CERT_DATA;
  const key = config.TEMPORAL_TLS_CLIENT_KEY_DATA;
  const apiKey = config.TEMPORAL_API_KEY;
  const clientCertPair =
    cert !== undefined && key !== undefined ? { crt: Buffer.from(cert), key: Buffer.from(key) } : undefined;
  const tlsOn = config.TEMPORAL_TLS ?? (apiKey !== undefined || clientCertPair !== undefined);
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(tlsOn ? { tls: clientCertPair ? { clientCertPair } : {} } : {}),
    // Temporal Cloud routes API-key calls by this header (regional endpoints serve many namespaces).
    ...(apiKey !== undefined ? { apiKey, metadata: { 'temporal-namespace': config.TEMPORAL_NAMESPACE } } : {}),
  };
}
