// One wording for "the database cannot be reached", wherever it is noticed (`fms serve`, `fms doctor`,
// every other command): which engine, where, as whom, the driver's own words, and the variable to fix.
// The password is never printed, not even the pieces of it that a password with an unencoded @ or #
// turns into a host or database name (pg then reports "getaddrinfo ENOTFOUND <piece>").
import { userInfo } from 'node:os';
import type { DatabaseTarget } from '../config/index.js';
import { causeOf } from '../lib/error-cause.js';

const ENCODING_HINT = 'percent-encode @ : / # ? in the password';

/** A database failure already described for the operator: the message is the whole story. */
export class DatabaseUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnreachable';
  }
}

interface Where {
  host: string;
  port: string;
  database: string;
  user: string;
}

/** Where pg connects for this URL: its defaults are localhost, 5432, the OS user and a database named after the user. */
function whereOf(url: URL): Where {
  const user = decodeURIComponent(url.username) || process.env.PGUSER || osUser();
  const host = url.searchParams.get('host') || decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = url.port || url.searchParams.get('port') || '5432';
  const database = decodeURIComponent(url.pathname.slice(1)) || user;
  return { host, port, database, user };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '');
  }
}

/**
 * The URL as its author meant it when the password holds characters that end the user part early
 * (@ / ? #): everything up to the last @ is the user and password. Null when the URL is read as meant.
 */
function misread(url: string): { meant: Where; password: string } | null {
  const scheme = /^[a-z]+:\/\//i.exec(url);
  if (!scheme) return null;
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  if (at < 0) return null;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  const password = colon < 0 ? '' : userinfo.slice(colon + 1);
  if (!/[@/?#]/.test(password)) return null;
  try {
    const meant = whereOf(new URL(`${scheme[0]}x@${rest.slice(at + 1)}`));
    return { meant: { ...meant, user: decodeURIComponent(userinfo.slice(0, colon)) || meant.user }, password };
  } catch {
    return null;
  }
}

/** Removes from the driver's text every name pg took from a piece of the password. */
function withoutPasswordPieces(text: string, read: Where, password: string): string {
  let out = text;
  for (const piece of [read.host, read.database, read.user, read.port]) {
    if (!piece || !password.includes(piece)) continue;
    const escaped = piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![^\\s"':(])${escaped}(?![^\\s"':,)])`, 'g'), '…');
  }
  return out;
}

function postgresWhere({ host, port, database, user }: Where): string {
  const place = host.startsWith('/') ? `socket ${host}/.s.PGSQL.${port}, database ${database}` : `${host.includes(':') ? `[${host}]` : host}:${port}/${database}`;
  return `PostgreSQL at ${place} as ${user}`;
}

/** `PostgreSQL at db.example:5432/fms as fms` or `SQLite /var/lib/fms/fms.sqlite`, never with the password. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.kind === 'sqlite') return `SQLite ${target.file}`;
  const wrong = misread(target.url);
  if (wrong) return postgresWhere(wrong.meant);
  try {
    return postgresWhere(whereOf(new URL(target.url)));
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * "Cannot reach PostgreSQL at host:port/db as user: <driver text>. Check DATABASE_URL (percent-encode
 * @ : / # ? in the password)." For SQLite, the file and what usually stops it from opening.
 */
export function describeDatabaseFailure(target: DatabaseTarget, error: unknown): string {
  const cause = causeOf(error).replace(/\.$/, '');
  if (target.kind === 'sqlite')
    return `Cannot open SQLite database ${target.file}: ${cause}. Check DATABASE_URL, and that this user may read and write the file and its folder.`;
  const wrong = misread(target.url);
  if (wrong) {
    let read: Where | null = null;
    try {
      read = whereOf(new URL(target.url));
    } catch {
      // Not even a URL: nothing was read from the password, there is nothing to hide.
    }
    const text = read ? withoutPasswordPieces(cause, read, wrong.password) : cause;
    return `Cannot reach ${postgresWhere(wrong.meant)}: ${text}. Check DATABASE_URL: its password holds @ / ? or # as they are, so the rest of the URL was misread; ${ENCODING_HINT} (@ is %40, : is %3A, / is %2F, # is %23, ? is %3F).`;
  }
  return `Cannot reach ${describeDatabase(target)}: ${cause}. Check DATABASE_URL (${ENCODING_HINT}).`;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOENT', 'EACCES']);

/**
 * Could the server not be reached or not let us in (as opposed to a query that failed)? Network
 * errors, PostgreSQL's connection (08), authorization (28) and "no such database" (3D000) states,
 * too many connections, a server starting up, and SQLite files that cannot be opened.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.some(isConnectionFailure)) return true;
  if (!(error instanceof Error)) return false;
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  if (NETWORK_CODES.has(code)) return true;
  if (/^(08|28)/.test(code) || ['3D000', '53300', '57P03'].includes(code)) return true;
  if (/^SQLITE_(CANTOPEN|NOTADB|PERM|AUTH)/.test(code)) return true;
  return /Connection terminated|timeout expired|SASL|does not support SSL|certificate/i.test(error.message);
}

/** For start-up paths: a connection failure becomes DatabaseUnreachable with the whole story; anything else passes unchanged. */
export function databaseFailure(target: DatabaseTarget, error: unknown): unknown {
  if (error instanceof DatabaseUnreachable || !isConnectionFailure(error)) return error;
  return new DatabaseUnreachable(describeDatabaseFailure(target, error));
}
