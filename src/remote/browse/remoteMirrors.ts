import { notFound } from '../../core/errors';
import { normalizeServerUrl, type RemoteServer } from '../client/remoteServer';
import type { MirrorLimits } from './mirrorLimits';
import { RemoteRunMirror } from './remoteRunMirror';

/** A remote server the person added: its name and normalized URL (no secrets). */
export interface RemoteServerRef {
  readonly name: string;
  readonly url: string;
}

export interface RemoteMirrorsOptions {
  /** The servers added (in VS Code: the `runlens.remoteServers` setting). Only these are ever read. */
  readonly servers: () => readonly RemoteServerRef[];
  /** How to reach one of them, credentials included. */
  readonly connection: (url: string) => Promise<RemoteServer>;
  readonly limits?: Partial<MirrorLimits>;
}

/**
 * One mirror per added remote server, made on first use. An address naming a server that is not
 * (or no longer) added is refused, so neither saved panel state nor a webview can make RunLens
 * contact a server the person did not add.
 */
export class RemoteMirrors {
  private readonly mirrors = new Map<string, Promise<RemoteRunMirror>>();

  constructor(private readonly options: RemoteMirrorsOptions) {}

  /** The added servers with well-formed URLs. */
  servers(): RemoteServerRef[] {
    const servers: RemoteServerRef[] = [];
    for (const server of this.options.servers()) {
      try {
        servers.push({ name: server.name, url: normalizeServerUrl(server.url) });
      } catch {
        // A hand-edited setting with a malformed URL: the Runs view shows why; nothing to read here.
      }
    }
    return servers;
  }

  /** The added server at this URL; refuses any other. */
  server(url: string): RemoteServerRef {
    const server = this.servers().find((candidate) => candidate.url === url);
    if (!server) {
      throw notFound(`The remote server ${url} is not among the servers added to RunLens: add it again with "RunLens: Add Remote MLflow Server…".`);
    }
    return server;
  }

  mirror(url: string): Promise<RemoteRunMirror> {
    const server = this.server(url);
    let mirror = this.mirrors.get(server.url);
    if (!mirror) {
      mirror = this.options.connection(server.url).then((connection) => RemoteRunMirror.open(connection, this.options.limits));
      this.mirrors.set(server.url, mirror);
      mirror.catch(() => this.mirrors.delete(server.url));
    }
    return mirror;
  }

  /** Drops every copy (a server was removed, or its credentials changed): the next read asks the servers again. */
  forget(): void {
    const mirrors = [...this.mirrors.values()];
    this.mirrors.clear();
    // A request may still be reading a dropped copy: close it once any such request is long done.
    for (const mirror of mirrors) void mirror.then((m) => setTimeout(() => m.close(), 60_000).unref(), () => undefined);
  }
}
