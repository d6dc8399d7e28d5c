import type { OwnerInfo } from '../../core/store/ownership';
import { formatDuration } from '../../core/launches/launchSummary';

export interface ServerFacts {
  readonly storeDir: string;
  /** `owner.json`: undefined when nothing serves the store now. */
  readonly owner: OwnerInfo | undefined;
  /** This window's extension host: the owner when the window serves the store itself. */
  readonly windowPid: number;
  readonly now: number;
  readonly launches: readonly { readonly label: string; readonly scriptPid?: number; readonly startedAt: number }[];
}

/** What Show Server says, as plain text (run data such as script names is never markup here). */
export function serverDescription(facts: ServerFacts): { title: string; detail: string } {
  const { owner } = facts;
  const lines: string[] = [`Store: ${facts.storeDir}`];
  let title: string;
  if (!owner) {
    title = 'No RunLens server serves this folder now: one starts on first use.';
  } else {
    const where = owner.pid === facts.windowPid ? "this window's extension host" : 'a RunLens server process outside this window';
    title = `The RunLens server runs in ${where}.`;
    lines.push(
      `Process: ${owner.pid}${owner.hostname ? ` on ${owner.hostname}` : ''}`,
      `Address: ${owner.port !== undefined ? `http://127.0.0.1:${owner.port}` : 'not published yet'}`,
      `Up for: ${formatDuration(facts.now - owner.startedAt)}`,
      `Version: ${owner.version ?? 'unknown'}`,
    );
    if (owner.pid === facts.windowPid) lines.push('It stops when this window closes or reloads; launched scripts go on under their own supervisors.');
    else if (owner.idleMinutes !== undefined) {
      lines.push(`It stops by itself once, for ${owner.idleMinutes} min, no window is attached, no launched script runs and no client has logged.`);
    }
  }
  lines.push(
    facts.launches.length === 0
      ? 'Running launches: none'
      : `Running launches: ${facts.launches.map((launch) => `${launch.label} (process ${launch.scriptPid ?? '?'}, for ${formatDuration(facts.now - launch.startedAt)})`).join('; ')}`,
  );
  return { title, detail: lines.join('\n') };
}
