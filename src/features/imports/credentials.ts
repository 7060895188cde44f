// The new accounts' one-time passwords wait in the imports row until the admin downloads them once.
// They are encrypted with AES-256-GCM under a key derived from SECRET_KEY (HKDF, its own purpose
// label), and the row's id is authenticated with them, so a value copied to another row is refused.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface Credential {
  /** The file row the account came from. */
  row: number;
  name: string;
  /** What identifies the person besides the name: the student number, or the lecturer's e-mail. */
  key: string;
  username: string;
  oneTimePassword: string;
}

const VERSION = 'v1';

function keyFrom(secretKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.from('fms', 'utf8'), Buffer.from('imports.credentials', 'utf8'), 32));
}

export function encryptCredentials(secretKey: string, importId: number, credentials: readonly Credential[]): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secretKey), iv);
  cipher.setAAD(Buffer.from(`import:${importId}`, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Throws when the value was not made by encryptCredentials for this import with this key. */
export function decryptCredentials(secretKey: string, importId: number, sealed: string): Credential[] {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unknown credentials format');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(secretKey), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`import:${importId}`, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  return JSON.parse(text) as Credential[];
}
