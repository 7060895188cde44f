// Driving the app like a browser: cookies kept between requests, CSRF tokens read from the pages.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** The CSRF token a page carries in its head (layout.tsx), or null. */
export function csrfTokenIn(page: string): string | null {
  return /<meta name="csrf-token" content="([^"]*)"/.exec(page)?.[1] ?? null;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly app: FastifyInstance,
    readonly headers: Record<string, string> = {},
    /** The client's address as the server sees it (inject's default is 127.0.0.1). */
    readonly remoteAddress?: string,
  ) {}

  private cookieHeader(): string {
    // Sent encoded, as a browser sends what the server set: inject hands the values back decoded.
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  private keep(response: LightMyRequestResponse) {
    // "Now" is the app's clock: a test that moves its ManualClock moves the browser's too. (Max-Age is
    // not counted down: a session's end is the server's to enforce, and tests check that it does.)
    const now = this.app.deps.clock.now().getTime();
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < now) || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const response = await this.app.inject({ method: 'GET', url, remoteAddress: this.remoteAddress, headers: { ...this.headers, cookie: this.cookieHeader(), ...headers } });
    this.keep(response);
    return response;
  }

  /** Posts a form, fetching the CSRF token from `from` (a page with the form) unless `_csrf` is given. */
  async post(url: string, form: Record<string, string> = {}, options: { from?: string; headers?: Record<string, string> } = {}) {
    const body = { ...form };
    if (body._csrf === undefined) body._csrf = await this.csrfToken(options.from ?? '/login');
    const response = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      headers: { ...this.headers, cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      payload: new URLSearchParams(body).toString(),
    });
    this.keep(response);
    return response;
  }

  async csrfToken(from = '/login'): Promise<string> {
    let page = await this.get(from);
    for (let hops = 0; hops < 3 && page.statusCode >= 300 && page.statusCode < 400 && page.headers.location; hops++) {
      page = await this.get(String(page.headers.location));
    }
    const token = csrfTokenIn(page.body);
    if (token === null) throw new Error(`no CSRF token on ${from} (status ${page.statusCode})`);
    return token;
  }

  async signIn(username: string, password: string) {
    const response = await this.post('/login', { username, password });
    if (response.statusCode !== 303) throw new Error(`sign-in as ${username} failed: ${response.statusCode}\n${response.body.slice(0, 500)}`);
    return response;
  }
}
