import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** JSON logs on stdout, with credentials redacted wherever they appear in a log object. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.apiKey', 'apiKey'],
      censor: '[redacted]',
    },
  });
}
