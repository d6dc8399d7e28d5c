import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** The cookie that keeps a browser signed in to the dashboards after it presented the token once. */
export const sessionCookieName = 'runlens_token';

/**
 * Who may see the dashboards of `runlens serve`: a browser that opened the printed URL (which carries
 * the server token once, `/?token=…`) and got the session cookie in exchange. The cookie holds a
 * value derived from the token, not the token: it opens the dashboards only, never the MLflow API
 * (which keeps requiring the bearer header). HttpOnly keeps it from scripts, SameSite=Strict from
 * requests that other sites make.
 *
 * The Host header is checked as the API checks it (DNS rebinding): loopback names with the port the
 * request arrived on.
 */
export class DashboardAuth {
  private readonly sessionValue: Buffer;

  constructor(token: string) {
    this.sessionValue = Buffer.from(createHmac('sha256', token).update('runlens dashboard session').digest('base64url'));
  }

  /** True when the request names this server by a loopback address and its own port. */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host?.toLowerCase();
    const port = req.socket.localPort;
    return host !== undefined && port !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
  }

  /** True when the presented token is the server's: compared in constant time through the derived value. */
  tokenMatches(presented: string): boolean {
    const derived = Buffer.from(createHmac('sha256', presented).update('runlens dashboard session').digest('base64url'));
    return timingSafeEqual(derived, this.sessionValue);
  }

  hasSession(headers: IncomingHttpHeaders): boolean {
    const value = cookieValue(headers.cookie, sessionCookieName);
    if (value === undefined) return false;
    const presented = Buffer.from(value);
    return presented.length === this.sessionValue.length && timingSafeEqual(presented, this.sessionValue);
  }

  /** The Set-Cookie header that signs the browser in. */
  sessionCookie(): string {
    return `${sessionCookieName}=${this.sessionValue.toString()}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
