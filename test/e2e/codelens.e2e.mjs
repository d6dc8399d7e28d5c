// End to end, as a person launches a run: the packaged .vsix in code-server, a training script open in the
// editor, the "Run tracked" lenses above it, a click on one, the script in its RunLens terminal with the status
// bar counting it, and the notification when it ends. Screenshots under test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codeServerWorkbench, resultsDir, stepTimeout } from './support/codeServerWorkbench.mjs';

const trainingScript = `"""Fit a line by gradient descent; RunLens records the code, the command and the output."""
import random
import time

import runlens as mlflow


def main() -> None:
    rng = random.Random(7)
    data = [(x, 3.0 * x + 0.5 + rng.gauss(0, 0.1)) for x in (rng.uniform(-1, 1) for _ in range(200))]
    mlflow.set_experiment("line-fit")
    with mlflow.start_run(run_name="lr-0.1"):
        mlflow.log_param("learning_rate", 0.1)
        slope, intercept = 0.0, 0.0
        for epoch in range(8):
            slope -= 0.1 * sum(2 * (slope * x + intercept - y) * x for x, y in data) / len(data)
            intercept -= 0.1 * sum(2 * (slope * x + intercept - y) for x, y in data) / len(data)
            mse = sum((slope * x + intercept - y) ** 2 for x, y in data) / len(data)
            mlflow.log_metric("mse", mse, step=epoch)
            print(f"epoch {epoch}: mse={mse:.4f}")
            time.sleep(0.4)


if __name__ == "__main__":
    main()
`;

describe('Run tracked lenses in the code-server workbench, installed from the .vsix', () => {
  const workbench = codeServerWorkbench('codelens');
  const explainFailure = workbench.explainFailure;
  let page;

  before(() => {
    // The DOM renderer puts the terminal's text in the page, where the test can read it (the GPU one paints a canvas).
    workbench.prepare({ 'editor.minimap.enabled': false, 'terminal.integrated.gpuAcceleration': 'off' });
    writeFileSync(path.join(workbench.sandbox.workspace, 'train.py'), trainingScript);
    workbench.installVsix();
  });

  after(() => workbench.close());

  test('the lenses show above the start of the run and the __main__ guard', stepTimeout, async () => {
    await explainFailure('lenses', async () => {
      page = await workbench.open();
      // Quick Open, as a person opens a file by name.
      await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } });
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
      await page.keyboard.type('train.py');
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'train.py' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');

      const lenses = page.locator('.codelens-decoration a');
      await lenses.filter({ hasText: 'Run tracked' }).first().waitFor({ timeout: 60_000 });
      const expected = ['Run tracked', 'Run tracked with arguments…', 'Run sweep…', 'Run tracked', 'Run tracked with arguments…', 'Run sweep…'];
      // The editor redraws its lenses whenever a provider says they changed (the summary lens, once the
      // store is read): read them until a redraw is not under way.
      let titles = [];
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await page.waitForTimeout(200)) {
        titles = (await lenses.allInnerTexts()).map((title) => title.trim());
        if (JSON.stringify(titles) === JSON.stringify(expected)) break;
      }
      assert.deepEqual(titles, expected);
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, 'codelens.png') });
    });
  });

  test('clicking Run tracked runs the script in a RunLens terminal, counts it in the status bar, and reports its end', stepTimeout, async () => {
    assert.ok(page, 'the workbench did not open');
    await explainFailure('launch', async () => {
      await page.locator('.codelens-decoration a').filter({ hasText: /^\s*Run tracked\s*$/ }).first().click();
      await page.locator('.statusbar').getByText('RunLens: 1 running').waitFor({ timeout: 30_000 });
      await page.locator('.xterm-rows').filter({ hasText: 'epoch 3' }).waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(resultsDir, 'codelens-running.png') });

      const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'finished' });
      await toast.waitFor({ timeout: 60_000 });
      const message = await toast.innerText();
      assert.match(message, /train\.py \(run lr-0\.1\) finished in [\d.]+ s · mse \d+\.\d+/);
      assert.match(message, /Open Run/);
      assert.equal(await page.locator('.statusbar').getByText(/RunLens: \d+ running/).count(), 0, 'the status bar item is gone');
      assert.match(await page.locator('.xterm-rows').innerText(), /RunLens: FINISHED after/);
      await page.screenshot({ path: path.join(resultsDir, 'codelens-finished.png') });
      // The editor and its panel only, small enough for the README (media/screenshots/codelens.png is a copy).
      const editor = await page.locator('.part.editor').boundingBox();
      const panel = await page.locator('.part.panel').boundingBox();
      assert.ok(editor && panel, 'the editor and the panel are on screen');
      const clip = { x: editor.x, y: editor.y, width: editor.width, height: panel.y + panel.height - editor.y };
      await page.screenshot({ path: path.join(resultsDir, 'codelens-readme.png'), clip });
    });
  });
});
