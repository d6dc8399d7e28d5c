export interface GitRemote {
  readonly name: string;
  readonly url: string;
}

// scheme://userinfo@host...; the authority ends at the first '/', '?' or '#'.
const schemeAndAuthority = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/**
 * A remote URL without the secrets people paste into it (`https://user:token@host/repo` becomes
 * `https://host/repo`), since the URL ends up in run tags that get shared. Over HTTP any user part is
 * dropped (a token alone often sits in the user name); over SSH the user is kept (it is `git`, not a
 * secret) and only a password goes. scp-like addresses (`git@host:repo`) and paths have no secret.
 */
export function withoutCredentials(url: string): string {
  const match = schemeAndAuthority.exec(url);
  if (!match) return url;
  const [whole, scheme, authority] = match;
  const at = authority.lastIndexOf('@');
  if (at < 0) return url;
  const userInfo = authority.slice(0, at);
  const host = authority.slice(at + 1);
  const keepUser = !/^(https?|ftps?):\/\/$/i.test(scheme);
  const colon = userInfo.indexOf(':');
  const user = colon < 0 ? userInfo : userInfo.slice(0, colon);
  const kept = keepUser && user ? `${user}@` : '';
  return `${scheme}${kept}${host}${url.slice(whole.length)}`;
}

/** `origin` when there is one, else the first remote in the configuration's order. */
export function preferredRemote(remotes: readonly GitRemote[]): GitRemote | undefined {
  return remotes.find((remote) => remote.name === 'origin') ?? remotes[0];
}

/**
 * Parses `git config -z --get-regexp '^remote\..*\.url$'`: entries `remote.<name>.url\n<value>\0`.
 * Remote names may themselves contain dots.
 */
export function parseRemoteConfig(output: string): GitRemote[] {
  const remotes: GitRemote[] = [];
  for (const entry of output.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline < 0) continue;
    const key = entry.slice(0, newline);
    if (!key.startsWith('remote.') || !key.endsWith('.url')) continue;
    const name = key.slice('remote.'.length, -'.url'.length);
    if (!remotes.some((remote) => remote.name === name)) remotes.push({ name, url: entry.slice(newline + 1) });
  }
  return remotes;
}
