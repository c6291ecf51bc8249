import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { otlpTracesUrl } from './tracing.ts';

describe('OTLP settings', () => {
  it('export nothing by default and capture no conversation text', () => {
    const config = loadConfig({});
    expect(otlpTracesUrl(config)).toBeUndefined();
    expect(config.OTEL_GENAI_CAPTURE_CONTENT).toBe('off');
  });

  it('send spans to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
    expect(otlpTracesUrl(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://lf:3000/api/public/otel/' }))).toBe(
      'http://lf:3000/api/public/otel/v1/traces',
    );
    const both = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/custom',
    });
    expect(otlpTracesUrl(both)).toBe('http://other:4318/custom');
  });

  it('read export headers as URL-encoded key=value pairs', () => {
    const config = loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=, x-team = a b,raw=100%' });
    expect(config.OTEL_EXPORTER_OTLP_HEADERS).toEqual({
      Authorization: 'Basic cGs6c2s=',
      'x-team': 'a b',
      raw: '100%',
    });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' })).toThrow(ConfigError);
  });
});
