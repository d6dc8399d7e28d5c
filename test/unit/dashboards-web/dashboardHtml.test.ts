import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bootstrapElementId } from '../../../src/protocol/dashboards/bootstrap';
import { dashboardCsp, dashboardHtml, jsonForScriptBlock } from '../../../src/server/dashboards/dashboardHtml';

// The one HTML shell of both hosts: its policy, and the bootstrap data that must never end its <script> block.

describe('the dashboards HTML shell', () => {
  test('the policy allows scripts by nonce only, no eval, no inline style, and no network in VS Code', () => {
    const csp = dashboardCsp('https://webview.example', 'abc123', "'none'");
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.match(csp, /style-src https:\/\/webview\.example 'nonce-abc123'(;|$)/);
    assert.match(csp, /img-src https:\/\/webview\.example data:(;|$)/);
    assert.match(csp, /connect-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
  });

  test('text in the bootstrap cannot close the data block, and reads back unchanged', () => {
    const hostile = `</script><script>alert(1)</script><!-- \u2028 & >`;
    const json = jsonForScriptBlock({ value: hostile });
    assert.doesNotMatch(json, /[<>&\u2028]/);
    assert.deepEqual(JSON.parse(json), { value: hostile });

    const { html } = dashboardHtml({
      resourceSource: "'self'",
      scriptUri: '/webview/dashboard.js',
      styleUri: '/webview/dashboard.css',
      connectSource: "'self'",
      nonce: 'n0nce',
      bootstrap: { page: 'dashboard', state: { kind: 'run', runId: hostile }, host: { kind: 'browser', hostActions: false } },
    });
    assert.equal(html.split('</script>').length - 1, 2, 'only the shell’s own two script elements close');
    const block = new RegExp(`<script type="application/json" id="${bootstrapElementId}">(.*?)</script>`).exec(html)?.[1];
    assert.ok(block);
    assert.equal(JSON.parse(block).state.runId, hostile);
    assert.match(html, /<script nonce="n0nce" src="\/webview\/dashboard\.js"><\/script>/);
  });
});
