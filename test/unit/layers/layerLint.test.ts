// The lint keeps DESIGN.md's layers: ESLint, with the project's own config, on files placed in each
// layer's folder. An upward import fails `npm run lint`; the imports the picture allows pass.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../support/repoRoot';

const eslint = new ESLint({ cwd: repoRoot });

/** The messages of the rules that guard layers, for `code` as if it were the file `file` (repo-relative). */
async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result.messages
    .filter((message) => ['runlens/layers', 'no-restricted-imports', 'no-restricted-globals', 'no-restricted-properties'].includes(message.ruleId ?? ''))
    .map((message) => `${message.ruleId}: ${message.message}`);
}

describe('layer lint', () => {
  test('an upward import fails, naming both layers', async () => {
    const problems = await layerProblems('src/core/store/layerProbe.ts', "import { parseCsv } from '../../dashboards/csv';\nexport const probe = parseCsv;\n");
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^runlens\/layers: src\/core\/ may not import from src\/dashboards\//);
  });

  test('imports the picture allows pass', async () => {
    assert.deepEqual(await layerProblems('src/server/layerProbe.ts', "import { parseCsv } from '../dashboards/csv';\nimport { notFound } from '../core/errors';\nexport const probe = [parseCsv, notFound];\n"), []);
    assert.deepEqual(await layerProblems('src/remote/layerProbe.ts', "import { notFound } from '../core/errors';\nexport const probe = notFound;\n"), []);
    assert.deepEqual(await layerProblems('webview/src/layerProbe.ts', "import { isRequestMessage } from '../../src/protocol/messages';\nexport const probe = isRequestMessage;\n"), []);
  });

  test('sideways imports between the middle layers fail', async () => {
    for (const [file, code] of [
      ['src/remote/layerProbe.ts', "import { startServer } from '../server/server';\nexport const probe = startServer;\n"],
      ['src/capture/layerProbe.ts', "import { readMlruns } from '../importers/mlruns/mlrunsReader';\nexport const probe = readMlruns;\n"],
      ['src/cli/layerProbe.ts', "import { activate } from '../extension';\nexport const probe = activate;\n"],
    ]) {
      const problems = await layerProblems(file, code);
      assert.equal(problems.length, 1, `${file}: ${problems.join('\n')}`);
      assert.match(problems[0], /^runlens\/layers: /);
    }
  });

  test('protocol and webview take only types from elsewhere', async () => {
    assert.deepEqual(await layerProblems('src/protocol/layerProbe.ts', "import type { Run } from '../core/entities';\nexport type Probe = Run;\n"), []);
    const runtime = await layerProblems('src/protocol/layerProbe.ts', "import { notFound } from '../core/errors';\nexport const probe = notFound;\n");
    assert.match(runtime.join('\n'), /src\/protocol\/ may not import from src\/core\//);
    const webview = await layerProblems('webview/src/layerProbe.ts', "import { notFound } from '../../src/core/errors';\nexport const probe = notFound;\n");
    assert.match(webview.join('\n'), /may not import from src\/core\//);
  });

  test('core knows no network and no vscode, in any form of import or through a global', async () => {
    const problems = await layerProblems(
      'src/core/layerProbe.ts',
      [
        "import http from 'node:http';",
        "import * as vscode from 'vscode';",
        "export { lookup } from 'dns';",
        "export type Uri = import('vscode').Uri;",
        "export const probe = [http, vscode, import('node:https'), fetch('http://127.0.0.1/'), globalThis.WebSocket];",
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      problems.map((problem) => problem.replace(/ \(DESIGN.md.*$/, '')),
      [
        "runlens/layers: src/core/ may not import 'node:http'",
        "runlens/layers: src/core/ may not import 'vscode'",
        "runlens/layers: src/core/ may not import 'dns'",
        "runlens/layers: src/core/ may not import 'vscode'",
        "runlens/layers: src/core/ may not import 'node:https'",
        "no-restricted-globals: Unexpected use of 'fetch'. src/core/ knows no network",
        "no-restricted-properties: 'globalThis.WebSocket' is restricted from being used. src/core/ knows no network",
      ],
    );
    // Below the editor, files outside core may use the network; none may use vscode.
    assert.deepEqual(await layerProblems('src/remote/layerProbe.ts', "import http from 'node:http';\nexport const probe = http;\n"), []);
    const server = await layerProblems('src/server/layerProbe.ts', "export const probe = import('vscode');\n");
    assert.match(server.join('\n'), /^runlens\/layers: src\/server\/ may not import 'vscode'/);
    assert.deepEqual(await layerProblems('src/vscode/layerProbe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n"), []);
  });

  test('protocol and webview, which run in the webview, import no Node built-in', async () => {
    for (const file of ['src/protocol/layerProbe.ts', 'webview/src/layerProbe.ts']) {
      const problems = await layerProblems(file, "import { readFileSync } from 'node:fs';\nimport { join } from 'path';\nexport const probe = [readFileSync, join];\n");
      assert.equal(problems.length, 2, `${file}: ${problems.join('\n')}`);
      assert.match(problems.join('\n'), /may not import 'node:fs' \(DESIGN.md, Layers: it runs in the webview/);
    }
    assert.deepEqual(await layerProblems('webview/src/layerProbe.ts', "import { parse } from 'vega';\nexport const probe = parse;\n"), []);
  });

  test('tests and scripts outside the layers import vscode only in the integration suite', async () => {
    const unit = await layerProblems('test/unit/layerProbe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n");
    assert.match(unit.join('\n'), /^no-restricted-imports: 'vscode' import is restricted/);
    assert.deepEqual(await layerProblems('test/integration/layerProbe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n"), []);
  });

  test('a new folder or file in src/ must be given a place in the layers', async () => {
    const problems = await layerProblems('src/newThing/layerProbe.ts', 'export const probe = 1;\n');
    assert.match(problems.join('\n'), /src\/newThing\/layerProbe.ts is in no layer/);
    const stray = await layerProblems('src/layerProbe.ts', 'export const probe = 1;\n');
    assert.match(stray.join('\n'), /src\/layerProbe.ts is in no layer/);
  });
});
