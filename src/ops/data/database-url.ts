// Opens a database named by a URL, as DATABASE_URL names one (`fms db copy --from … --to …`).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatabaseTarget } from '../../config/index.js';
import { createDb, type Db } from '../../db/index.js';
import { OpsError } from './ops-error.js';

export interface OpenedDatabase {
  db: Db;
  target: DatabaseTarget;
  /** The URL with its password hidden, for messages and logs. */
  label: string;
}

export function targetFromUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path || path === ':memory:') throw new OpsError(`${url} names no file: give a path, e.g. sqlite:./var/fms.sqlite`);
    return { kind: 'sqlite', file: resolve(path), url };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new OpsError(`${hidePassword(url)} is not a valid URL: use postgres://user:password@host:5432/dbname`);
    }
    return { kind: 'postgres', url };
  }
  throw new OpsError(`${hidePassword(url)} is not a database URL: use sqlite:./var/fms.sqlite or postgres://user:password@host/db`);
}

/**
 * The schema chosen by `?options=-c search_path=…` in a PostgreSQL URL. createDb must be told it,
 * or Kysely's migrator looks for its table in every schema and finds another one's.
 */
export function searchPathOf(url: string): string | undefined {
  if (!/^postgres(ql)?:/.test(url)) return undefined;
  const options = new URL(url).searchParams.get('options') ?? '';
  return /(?:^|\s)-c\s*search_path=([^\s,]+)/.exec(options)?.[1];
}

export function hidePassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** Opens the database; a SQLite file must already exist unless `create` is set. */
export function openDatabaseUrl(url: string, options: { create?: boolean } = {}): OpenedDatabase {
  const target = targetFromUrl(url);
  if (target.kind === 'sqlite' && !options.create && !existsSync(target.file))
    throw new OpsError(`There is no SQLite database at ${target.file}: check the path in ${url}`);
  const searchPath = target.kind === 'postgres' ? searchPathOf(url) : undefined;
  const db = createDb(target, { poolSize: 4, ...(searchPath ? { searchPath } : {}) });
  return { db, target, label: target.kind === 'postgres' ? hidePassword(url) : `sqlite:${target.file}` };
}
