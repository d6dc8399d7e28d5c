import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** How long a sign-in code printed by `runlens serve` opens the dashboards: once, within this. */
export const signInCodeSeconds = 60;
/** A session ends this long after its sign-in; the browser then needs a fresh sign-in address. */
const sessionMs = 12 * 60 * 60 * 1000;
/** Sessions and codes kept at most; past that the oldest go (each sign-in makes a new session). */
const maxSessions = 32;
const maxCodes = 32;

interface Session {
  /** Sent back by the page in a header (or the event stream's query) on every bridge request. */
  readonly pageKey: Buffer;
  readonly expiresAt: number;
}

/**
 * Who may use the dashboards of `runlens serve`.
 *
 * Sign-in: `runlens serve` prints `/?code=…`, a random code that opens the dashboards once, within
 * `signInCodeSeconds`, and is nothing to the MLflow API (the API token never appears in a URL, so
 * it never reaches the browser's history). Using it starts a new session.
 *
 * A session is two secrets. The cookie (`runlens_session_<port>`, HttpOnly, SameSite=Strict, named
 * after the port so that two servers on one host keep their own) opens the page shells only. Cookies
 * are not port-scoped: every app on 127.0.0.1 receives it, so it alone must open nothing. The bridge
 * and the event stream also need the session's page key, which the sign-in page hands to the
 * dashboards' script once; the script keeps it in this origin's localStorage (which other ports
 * cannot read) and sends it as a header. A session expires after `sessionMs`.
 *
 * The Host header is checked as the API checks it (DNS rebinding): loopback names with the port the
 * request arrived on.
 */
export class DashboardAuth {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when the request names this server by a loopback address and its own port. */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host?.toLowerCase();
    const port = req.socket.localPort;
    return host !== undefined && port !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
  }

  /** A new one-time sign-in code. */
  mintCode(): string {
    this.prune();
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, this.now() + signInCodeSeconds * 1000);
    dropOldest(this.codes, maxCodes);
    return code;
  }

  /** Spends `code`: a new session (its cookie value and page key), or undefined for a wrong, used or expired code. */
  signIn(code: string): { sessionId: string; pageKey: string } | undefined {
    this.prune();
    // A map lookup is not constant-time, so compare against every live code instead.
    const presented = Buffer.from(code);
    let found: string | undefined;
    for (const candidate of this.codes.keys()) {
      const known = Buffer.from(candidate);
      if (known.length === presented.length && timingSafeEqual(known, presented)) found = candidate;
    }
    if (found === undefined) return undefined;
    this.codes.delete(found);
    const sessionId = randomBytes(24).toString('base64url');
    const pageKey = randomBytes(24).toString('base64url');
    this.sessions.set(sessionId, { pageKey: Buffer.from(pageKey), expiresAt: this.now() + sessionMs });
    dropOldest(this.sessions, maxSessions);
    return { sessionId, pageKey };
  }

  /** Whether the request carries a live session cookie of this server (enough for a page shell). */
  hasSession(req: IncomingMessage): boolean {
    return this.session(req) !== undefined;
  }

  /** Whether the request carries a live session cookie and that session's page key. */
  hasSessionAndKey(req: IncomingMessage, presentedKey: string | undefined): boolean {
    const session = this.session(req);
    if (session === undefined || presentedKey === undefined) return false;
    const presented = Buffer.from(presentedKey);
    return presented.length === session.pageKey.length && timingSafeEqual(presented, session.pageKey);
  }

  /** The Set-Cookie header of a new session. */
  sessionCookie(req: IncomingMessage, sessionId: string): string {
    return `${cookieName(req)}=${sessionId}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${sessionMs / 1000}`;
  }

  private session(req: IncomingMessage): Session | undefined {
    const id = cookieValue(req.headers, cookieName(req));
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  private prune(): void {
    const now = this.now();
    for (const [code, expiresAt] of this.codes) if (expiresAt <= now) this.codes.delete(code);
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

function cookieName(req: IncomingMessage): string {
  return `runlens_session_${req.socket.localPort ?? 0}`;
}

/** Maps keep insertion order: the first entries are the oldest. */
function dropOldest<K, V>(map: Map<K, V>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}

function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
