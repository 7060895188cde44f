// What every full page needs besides its own data; built by the routes from the request.
import type { Actor } from '../access.js';

export interface FlashMessage {
  kind: 'success' | 'info' | 'warning' | 'danger';
  text: string;
}

export interface PageContext {
  actor: Actor | null;
  csrfToken: string;
  flash: FlashMessage[];
  /** The request path, to mark the current navigation entry. */
  path: string;
  /** Maps a logical asset name (app.css) to its URL with a content hash. */
  asset: (name: string) => string;
  /** An island's script (landing/src/islands/<name>.tsx), or null when the landing build is missing. */
  island: (name: string) => string | null;
  /** Whether the app runs in development mode (shown in the footer). */
  mode: string;
}
