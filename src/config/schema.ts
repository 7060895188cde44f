// The environment variables FMS reads, as one JSON Schema (read-variables.ts reads the environment against it).
// Names a Flask-era operator knows (SECRET_KEY, DATABASE_URL, UPLOAD_FOLDER, MAX_CONTENT_LENGTH,
// RATELIMIT_STORAGE_URI) are kept exactly.

export const modes = ['development', 'testing', 'production'] as const;
export type Mode = (typeof modes)[number];

/** Variables that may be given as NAME_FILE (a path whose contents are the value), for Docker secrets. */
export const secretVariables = ['SECRET_KEY', 'DATABASE_URL', 'RATELIMIT_STORAGE_URI', 'METRICS_TOKEN', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'ASSISTANT_API_KEY'] as const;

export const envSchema = {
  type: 'object',
  properties: {
    FMS_CONFIG: { type: 'string', enum: [...modes], default: 'development' },
    SECRET_KEY: { type: 'string' },
    DATABASE_URL: { type: 'string', default: 'sqlite:./var/fms.sqlite' },
    UPLOAD_FOLDER: { type: 'string', default: './var/uploads' },
    MAX_CONTENT_LENGTH: { type: 'string', default: '16777216' },
    TIMEZONE: { type: 'string', default: 'UTC' },
    RATELIMIT_STORAGE_URI: { type: 'string', default: 'memory://' },
    RATELIMIT_DEFAULT: { type: 'string', default: '600 per minute' },
    API_RATELIMIT: { type: 'string', default: '1000 per hour' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    HOST: { type: 'string', default: 'localhost' },
    TRUST_PROXY: { type: 'string', default: '' },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    SESSION_LIFETIME: { type: 'string', default: '12h' },
    SESSION_IDLE_TIMEOUT: { type: 'string', default: '2h' },
    SESSION_COOKIE_SECURE: { type: 'string', enum: ['', 'true', 'false', '1', '0'], default: '' },
    SESSION_COOKIE_SAMESITE: { type: 'string', enum: ['Strict', 'Lax', 'strict', 'lax'], default: 'Strict' },
    DEMO_DEPARTMENT: { type: 'string', enum: ['', 'true', 'false', '1', '0'], default: '' },
    METRICS_TOKEN: { type: 'string' },
    S3_BUCKET: { type: 'string' },
    S3_ENDPOINT: { type: 'string' },
    S3_REGION: { type: 'string', default: 'us-east-1' },
    S3_ACCESS_KEY_ID: { type: 'string' },
    S3_SECRET_ACCESS_KEY: { type: 'string' },
    S3_FORCE_PATH_STYLE: { type: 'string', enum: ['', 'true', 'false', '1', '0'], default: '' },
    METRICS_PORT: { type: 'integer', minimum: 1, maximum: 65535 },
    WEB_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 64, default: 1 },
    SHUTDOWN_GRACE: { type: 'string', default: '30s' },
    LOG_FILE: { type: 'string' },
    LOG_FILE_SIZE: { type: 'string', default: '100m' },
    LOG_FILE_KEEP: { type: 'integer', minimum: 1, maximum: 1000, default: 14 },
    ASSISTANT_API_URL: { type: 'string' },
    ASSISTANT_API_KEY: { type: 'string' },
    ASSISTANT_MODEL: { type: 'string' },
    ASSISTANT_TIMEOUT: { type: 'string', default: '10s' },
    ASSISTANT_RATELIMIT: { type: 'string', default: '30 per minute' },
  },
  required: [],
} as const;

/** How each variable should look, used to turn a validation error into a fix. */
export const variableHelp: Record<string, string> = {
  FMS_CONFIG: 'one of development, testing, production',
  PORT: 'a port number from 0 to 65535',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  SESSION_COOKIE_SECURE: 'true or false',
  SESSION_COOKIE_SAMESITE: 'Strict or Lax',
  DEMO_DEPARTMENT: 'true or false',
  S3_FORCE_PATH_STYLE: 'true or false',
  METRICS_PORT: 'a port number from 1 to 65535 (served on 127.0.0.1 only)',
  WEB_CONCURRENCY: 'a number of worker processes from 1 to 64',
  LOG_FILE_KEEP: 'how many rotated log files to keep (1 to 1000)',
};
