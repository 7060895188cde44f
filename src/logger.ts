// Logger settings shared by the server and the CLI: JSON lines, secrets redacted wherever they appear.
import type { LoggerOptions } from 'pino';
import type { Config } from './config/index.js';

export const redactedPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.confirmPassword',
  '*.passwordHash',
  '*.token',
  '*.secretKey',
  '*.SECRET_KEY',
  'config.secretKey',
];

export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: 'fms' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
