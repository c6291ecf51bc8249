import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * JSON logs on stdout (or `destination`), with credentials redacted wherever they appear in a
 * log object. A line logged inside a traced operation carries its `traceId` and `spanId`.
 */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
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
        // Secret values (POST/PUT /v1/secrets bodies), should a request body ever be logged.
        'body.value',
        'req.body.value',
        'request.body.value',
      ],
      censor: '[redacted]',
    },
    mixin() {
      const span = trace.getActiveSpan()?.spanContext();
      return span ? { traceId: span.traceId, spanId: span.spanId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
