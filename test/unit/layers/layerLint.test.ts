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
    .filter((message) => ['runlens/layers', 'no-restricted-imports', 'no-restricted-globals'].includes(message.ruleId ?? ''))
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

  test('core knows no network and no vscode', async () => {
    const problems = await layerProblems(
      'src/core/layerProbe.ts',
      "import http from 'node:http';\nimport * as vscode from 'vscode';\nexport const probe = [http, vscode, fetch('http://127.0.0.1/')];\n",
    );
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /no-restricted-imports: 'node:http' import is restricted/);
    assert.match(problems.join('\n'), /no-restricted-imports: 'vscode' import is restricted/);
    assert.match(problems.join('\n'), /no-restricted-globals: Unexpected use of 'fetch'/);
  });

  test('a new folder in src/ must be given a place in the layers', async () => {
    const problems = await layerProblems('src/newThing/layerProbe.ts', 'export const probe = 1;\n');
    assert.match(problems.join('\n'), /src\/newThing\/layerProbe.ts is in no layer/);
  });
});
