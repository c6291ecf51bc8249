import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { temporalConnectionSettings } from './temporal-connection.ts';

const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----';
const settingsOf = (env: Record<string, string>) =>
  temporalConnectionSettings({ ...loadConfig(env), TEMPORAL_ADDRESS: env['TEMPORAL_ADDRESS'] ?? 'temporal:7233' });

describe('Temporal connection settings', () => {
  it('connects over plain gRPC without credentials (a self-hosted cluster inside the network)', () => {
    expect(settingsOf({ TEMPORAL_ADDRESS: 'temporal:7233' })).toEqual({ address: 'temporal:7233' });
  });

  it('turns TLS on for a Temporal Cloud API key, and sends the key', () => {
    const settings = settingsOf({
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'runs.a1b2c',
      TEMPORAL_API_KEY: ' secret-key ',
    });
    expect(settings).toEqual({
      address: 'us-east-1.aws.api.temporal.io:7233',
      tls: {},
      apiKey: 'secret-key',
      metadata: { 'temporal-namespace': 'runs.a1b2c' },
    });
  });

  it('presents a client certificate for mutual TLS', () => {
    const settings = settingsOf({ TEMPORAL_TLS_CLIENT_CERT_DATA: cert, TEMPORAL_TLS_CLIENT_KEY_DATA: key });
    expect(settings.tls?.clientCertPair?.crt.toString()).toBe(cert);
    expect(settings.tls?.clientCertPair?.key.toString()).toBe(key);
    expect(settings).not.toHaveProperty('apiKey');
  });

  it('uses TLS without credentials when TEMPORAL_TLS=true', () => {
    expect(settingsOf({ TEMPORAL_TLS: 'true' })).toEqual({ address: 'temporal:7233', tls: {} });
  });

  it('refuses contradictory credentials, naming the variable', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CLIENT_CERT_DATA: cert })).toThrow(
      'TEMPORAL_TLS_CLIENT_KEY_DATA: the client certificate and its key must be set together',
    );
    expect(() => loadConfig({ TEMPORAL_TLS_CLIENT_KEY_DATA: key })).toThrow(/TEMPORAL_TLS_CLIENT_CERT_DATA/);
    expect(() =>
      loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS_CLIENT_CERT_DATA: cert, TEMPORAL_TLS_CLIENT_KEY_DATA: key }),
    ).toThrow('TEMPORAL_API_KEY: set an API key or a client certificate, not both');
    expect(() => loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_TLS: 'sometimes' })).toThrow(/TEMPORAL_TLS/);
  });
});
