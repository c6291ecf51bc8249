import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * JSON logs on stdout, with credentials redacted wherever they appear in a log object. A line
 * logged inside a traced operation carries its `traceId` and `spanId`.
 */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.Authorization',
        '*.headers.authorization',
        '*.apiKey',
        'apiKey',
        '*.secret',
        'secret',
        '*.password',
        'password',
      ],
      censor: '[redacted]',
    },
    mixin() {
      const span = trace.getActiveSpan()?.spanContext();
      return span ? { traceId: span.traceId, spanId: span.spanId } : {};
    },
  });
}
