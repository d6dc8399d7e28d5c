import * as vscode from 'vscode';
import { RemoteBrowser } from '../../remote/browse/remoteBrowser';
import { normalizeServerUrl, type RemoteServer } from '../../remote/client/remoteServer';
import { SettingKey, SettingSection } from '../contributions';
import { Disposable } from '../disposable';

/** A remote server as the `runlens.remoteServers` setting lists it: no secrets. */
export interface RemoteServerEntry {
  readonly name: string;
  readonly url: string;
}

/** How RunLens authenticates to a server; kept in VS Code's SecretStorage, keyed by URL. */
export type RemoteAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string };

const secretPrefix = 'runlens.remoteServer:';

/**
 * The remote servers the person added: names and URLs in the user's settings, credentials in
 * SecretStorage, and one browser (with its cache) per server, made on first use.
 */
export class RemoteServerRegistry extends Disposable {
  private readonly browsers = new Map<string, Promise<RemoteBrowser>>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** The list of servers changed, or a server's credentials. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SettingSection}.${SettingKey.RemoteServers}`)) this.changed.fire();
      }),
    );
  }

  /** The valid entries of the setting, one per name (a hand-edited setting may hold anything). */
  servers(): RemoteServerEntry[] {
    const raw = vscode.workspace.getConfiguration(SettingSection).get<unknown>(SettingKey.RemoteServers, []);
    const entries = new Map<string, RemoteServerEntry>();
    for (const item of Array.isArray(raw) ? (raw as unknown[]) : []) {
      const { name, url } = (item ?? {}) as { name?: unknown; url?: unknown };
      if (typeof name !== 'string' || typeof url !== 'string' || name.trim() === '' || entries.has(name)) continue;
      entries.set(name, { name, url });
    }
    return [...entries.values()];
  }

  /** The entry the setting has for this URL (however it is spelled), if the person still has one. */
  entryFor(url: string): RemoteServerEntry | undefined {
    const wanted = safeNormalize(url);
    return wanted === undefined ? undefined : this.servers().find((server) => safeNormalize(server.url) === wanted);
  }

  /** Adds or replaces the server of that name, and keeps its credentials as secrets. */
  async add(entry: RemoteServerEntry, auth: RemoteAuth): Promise<RemoteServerEntry> {
    const name = entry.name.trim();
    if (name === '') throw new Error('a remote server needs a name');
    const url = normalizeServerUrl(entry.url);
    if (auth.kind === 'none') await this.secrets.delete(secretPrefix + url);
    else await this.secrets.store(secretPrefix + url, JSON.stringify(auth));
    this.browsers.delete(url);
    const others = this.servers().filter((server) => server.name !== name);
    await this.write([...others, { name, url }]);
    this.changed.fire();
    return { name, url };
  }

  /** Forgets the server and, unless another entry uses the same URL, its credentials. */
  async remove(name: string): Promise<boolean> {
    const servers = this.servers();
    const removed = servers.find((server) => server.name === name);
    if (!removed) return false;
    const rest = servers.filter((server) => server !== removed);
    await this.write(rest);
    const url = safeNormalize(removed.url);
    if (url && !rest.some((server) => safeNormalize(server.url) === url)) {
      await this.secrets.delete(secretPrefix + url);
      this.browsers.delete(url);
    }
    this.changed.fire();
    return true;
  }

  /** The server's browser, with the credentials from SecretStorage; throws on a malformed URL. */
  browser(entry: RemoteServerEntry): Promise<RemoteBrowser> {
    const url = normalizeServerUrl(entry.url);
    let browser = this.browsers.get(url);
    if (!browser) {
      browser = this.connection(url).then((server) => new RemoteBrowser(server, { pageSize: 100 }));
      this.browsers.set(url, browser);
      browser.catch(() => this.browsers.delete(url));
    }
    return browser;
  }

  /** Where and how to reach the server, secrets included: for a launch that logs straight to it. */
  async connection(url: string): Promise<RemoteServer> {
    const normalized = normalizeServerUrl(url);
    const stored = await this.secrets.get(secretPrefix + normalized);
    const auth = stored ? (JSON.parse(stored) as RemoteAuth) : { kind: 'none' as const };
    switch (auth.kind) {
      case 'token':
        return { url: normalized, token: auth.token };
      case 'basic':
        return { url: normalized, username: auth.username, password: auth.password };
      default:
        return { url: normalized };
    }
  }

  private async write(servers: RemoteServerEntry[]): Promise<void> {
    await vscode.workspace
      .getConfiguration(SettingSection)
      .update(SettingKey.RemoteServers, servers.length > 0 ? servers : undefined, vscode.ConfigurationTarget.Global);
  }
}

function safeNormalize(url: string): string | undefined {
  try {
    return normalizeServerUrl(url);
  } catch {
    return undefined;
  }
}
