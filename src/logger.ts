// Logger settings shared by the server and the CLI: JSON lines, secrets redacted wherever they appear.
import { createRequire } from 'node:module';
import type { LoggerOptions } from 'pino';
import type { Config } from './config/index.js';

/** pino-pretty is a development dependency: present in a checkout, absent in a production install. */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

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
  '*.apiKey',
  '*.ASSISTANT_API_KEY',
];

export function loggerOptions(config: Pick<Config, 'logLevel'> & Partial<Pick<Config, 'mode'>>): LoggerOptions {
  // A person running `npm start` or `npm run dev` reads the log in a terminal; machines read JSON.
  const pretty = config.mode === 'development' && process.stdout.isTTY && prettyAvailable();
  return {
    ...(pretty ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss' } } } : {}),
    level: config.logLevel,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: 'fms' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
