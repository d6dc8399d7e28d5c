/** A page of MLflow's UI that RunLens has a dashboard for. */
export type MlflowUiPage =
  | { readonly kind: 'run'; readonly experimentId: string; readonly runId: string }
  | { readonly kind: 'experiment'; readonly experimentId: string };

/** A link to such a page found in a line of text: where it is, and which page. */
export interface MlflowUiLink {
  readonly startIndex: number;
  readonly length: number;
  readonly page: MlflowUiPage;
}

// What MLflow's client prints after a run ends, with the tracking URI it logged to:
//   🏃 View run <name> at: http://127.0.0.1:PORT/#/experiments/1/runs/<run id>
//   🧪 View experiment at: http://127.0.0.1:PORT/#/experiments/1
const uiLink = /\bhttps?:\/\/(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})\/#\/experiments\/([A-Za-z0-9_-]+)(?:\/runs\/([A-Za-z0-9_-]+))?(?=$|[\s"'<>)\]])/g;

/**
 * The links in `line` to MLflow UI pages of the tracking server on this machine's loopback at
 * `port`; links to any other server (a team's, another workspace's) are not RunLens's to open.
 */
export function mlflowUiLinks(line: string, port: number): MlflowUiLink[] {
  const links: MlflowUiLink[] = [];
  for (const match of line.matchAll(uiLink)) {
    if (Number(match[2]) !== port) continue;
    const [text, , , experimentId, runId] = match;
    links.push({
      startIndex: match.index,
      length: text.length,
      page: runId === undefined ? { kind: 'experiment', experimentId } : { kind: 'run', experimentId, runId },
    });
  }
  return links;
}
