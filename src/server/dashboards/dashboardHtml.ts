import { randomBytes } from 'node:crypto';
import { bootstrapElementId, type DashboardBootstrap } from '../../protocol/dashboards/bootstrap';

/**
 * The one HTML shell of the dashboards, for both hosts: VS Code's webview (WebviewHost) and the
 * browser mode of `runlens serve`. Nothing from a run is ever written into it as markup: the only
 * dynamic content is the bootstrap JSON, escaped so that no text inside it can end the data block.
 */
export interface DashboardHtmlOptions {
  /** Where the bundle and stylesheet are allowed from: the webview's `cspSource`, or `'self'`. */
  readonly resourceSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly bootstrap: DashboardBootstrap;
  /** `'none'` in VS Code (postMessage needs no network); `'self'` for the browser mode's bridge. */
  readonly connectSource: "'none'" | "'self'";
  /** The browser mode brings its own palette for the --vscode-* variables; VS Code provides them. */
  readonly palette?: 'light' | 'dark' | 'auto';
  readonly nonce?: string;
}

/** 128 random bits, as the CSP nonce of one page load. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Scripts by nonce only and never eval (vega runs through vega-interpreter); styles from the bundle's
 * origin or by nonce; images from the bundle's origin or data: URLs (artifact previews); no plugins,
 * no forms posting anywhere. (The browser mode's HTTP header adds `frame-ancestors 'none'`, which a
 * <meta> policy cannot carry.)
 */
export function dashboardCsp(resourceSource: string, nonce: string, connectSource: "'none'" | "'self'"): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${resourceSource} 'nonce-${nonce}'`,
    `img-src ${resourceSource} data:`,
    `font-src ${resourceSource}`,
    `connect-src ${connectSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function dashboardHtml(options: DashboardHtmlOptions): { html: string; csp: string } {
  const nonce = options.nonce ?? makeNonce();
  const csp = dashboardCsp(options.resourceSource, nonce, options.connectSource);
  const host = options.bootstrap.host.kind;
  const palette = options.palette ? ` data-palette="${options.palette}"` : '';
  const html = `<!DOCTYPE html>
<html lang="en" data-runlens-host="${host}"${palette}>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<!-- The toolkit (FAST) reads this to put the nonce on the style elements it probes features with. -->
<meta property="csp-nonce" content="${nonce}">
<title>RunLens</title>
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(options.styleUri)}">
</head>
<body>
<main id="app"></main>
<script type="application/json" id="${bootstrapElementId}">${jsonForScriptBlock(options.bootstrap)}</script>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
  return { html, csp };
}

/**
 * JSON that cannot close its `<script>` element or open a comment: `<`, `>` and `&` become
 * `\u003c`-style escapes, which JSON.parse reads back as the same characters. U+2028 and U+2029 are
 * escaped too, out of habit for anything that might be read as script.
 */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
