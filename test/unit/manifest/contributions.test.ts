import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CommandId, ContextKey, SettingKey, SettingSection, ViewContainerId, ViewId } from '../../../src/vscode/contributions';
import { repoRoot } from '../support/repoRoot';

// package.json's `contributes` must agree with src/vscode/contributions.ts in both directions:
// an id that the code uses but the manifest lacks is a dead command, and the reverse is a button that does nothing.

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}
interface ContributedView {
  id: string;
  name: string;
}
interface Manifest {
  activationEvents?: string[];
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  contributes: {
    commands: ContributedCommand[];
    configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[];
    viewsContainers: Record<string, { id: string; title: string; icon: string }[]>;
    views: Record<string, ContributedView[]>;
    viewsWelcome?: { view: string; contents: string; when?: string }[];
    menus?: Record<string, { command: string; when?: string }[]>;
  };
}

const root = repoRoot;
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const { contributes } = manifest;

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

function contributedSettingKeys(): string[] {
  const sections = Array.isArray(contributes.configuration) ? contributes.configuration : [contributes.configuration];
  return sections.flatMap((section) => Object.keys(section.properties));
}

/** The `[major, minor, patch]` of a semver range's lower bound such as `^1.100.0`. */
function lowerBound(range: string): number[] {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(range);
  assert.ok(match, `no version in "${range}"`);
  return match.slice(1, 4).map(Number);
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

describe('package.json contributes agrees with src/vscode/contributions.ts', () => {
  test('every CommandId is contributed with category RunLens, and every contributed command is a CommandId', () => {
    const contributed = contributes.commands.map((c) => c.command);
    assert.deepEqual(sorted(contributed), sorted(Object.values(CommandId)));
    assert.equal(new Set(contributed).size, contributed.length, 'a command is contributed twice');
    for (const command of contributes.commands) {
      assert.equal(command.category, 'RunLens', `${command.command} needs category "RunLens"`);
      assert.ok(command.title.trim().length > 0, `${command.command} needs a title`);
    }
  });

  test('every contributed command id starts with runlens.', () => {
    for (const { command } of contributes.commands) {
      assert.match(command, /^runlens\.[A-Za-z]+$/, `${command} is not prefixed runlens.`);
    }
  });

  test('menus and welcome links name only contributed commands', () => {
    const known = new Set(contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(contributes.menus ?? {})) {
      for (const item of items) assert.ok(known.has(item.command), `menu ${menu} names unknown ${item.command}`);
    }
    for (const welcome of contributes.viewsWelcome ?? []) {
      for (const [, command] of welcome.contents.matchAll(/\(command:([^)?\s]+)/g)) {
        assert.ok(known.has(command), `welcome content of ${welcome.view} links unknown ${command}`);
      }
    }
  });

  test('every SettingKey is in contributes.configuration, and every contributed setting is a SettingKey', () => {
    const expected = Object.values(SettingKey).map((key) => `${SettingSection}.${key}`);
    assert.deepEqual(sorted(contributedSettingKeys()), sorted(expected));
  });

  test('the store is served by a RunLens server process by default, window mode stays a choice, and docs/settings.md says so (issue 14)', () => {
    const sections = Array.isArray(contributes.configuration) ? contributes.configuration : [contributes.configuration];
    const mode = sections.map((section) => section.properties[`${SettingSection}.${SettingKey.ServerMode}`]).find(Boolean) as { default: string; enum: string[] };
    assert.equal(mode.default, 'process');
    assert.deepEqual(sorted(mode.enum), ['process', 'window']);
    const documented = readFileSync(path.join(root, 'docs', 'settings.md'), 'utf8').split('\n').find((line) => line.startsWith(`| \`${SettingSection}.${SettingKey.ServerMode}\` |`));
    assert.match(documented ?? '', new RegExp(`^\\| \`[^\`]+\` \\| \`${mode.default}\` \\|`));
  });

  test('the view container and every ViewId are contributed, and every contributed view is a ViewId', () => {
    const containers = contributes.viewsContainers.activitybar ?? [];
    assert.deepEqual(
      containers.map((c) => c.id),
      [ViewContainerId],
    );
    const container = containers[0];
    assert.equal(container.title, 'RunLens');
    assert.ok(existsSync(path.join(root, container.icon)), `activity bar icon ${container.icon} is missing`);

    assert.deepEqual(Object.keys(contributes.views), [ViewContainerId], 'views live only in the RunLens container');
    const views = Object.values(contributes.views).flat();
    assert.deepEqual(sorted(views.map((v) => v.id)), sorted(Object.values(ViewId)));
    for (const view of views) assert.match(view.id, /^runlens\./);
  });

  test('the Runs view has welcome content, shown while there are no runs, with the run button and the guide', () => {
    const welcome = (contributes.viewsWelcome ?? []).filter((w) => w.view === ViewId.Runs);
    assert.equal(welcome.length, 1);
    assert.equal(welcome[0].when, `!${ContextKey.HasRuns}`);
    assert.ok(welcome[0].contents.includes(`](command:${CommandId.RunActiveFile})`), 'no run button');
    assert.ok(welcome[0].contents.includes(`(command:${CommandId.ShowReadme})`), 'no link to the guide');
  });

  test('activation is narrow: never "*" nor every window, and only on RunLens ids', () => {
    const events = manifest.activationEvents ?? [];
    assert.ok(!events.includes('*'), 'activationEvents contains "*"');
    assert.ok(!events.includes('onStartupFinished'), 'activationEvents activates every window');
    for (const event of events) {
      const target = /^on(?:Command|View|WebviewPanel|CustomEditor):(.*)$/.exec(event)?.[1];
      if (target !== undefined) assert.match(target, /^runlens\./, `${event} activates on something not RunLens's`);
    }
  });

  test('engines.vscode is no newer than the VS Code of the test harness, and @types/vscode no newer than engines', () => {
    const engine = lowerBound(manifest.engines.vscode);
    // code-server 4.139.1 bundles VS Code 1.139.1 (scripts/codeServerPaths.mjs).
    assert.ok(compareVersions(engine, [1, 139, 1]) <= 0, `engines.vscode ${manifest.engines.vscode} is newer than 1.139.1`);
    const types = lowerBound(manifest.devDependencies['@types/vscode']);
    assert.ok(compareVersions(types, engine) <= 0, '@types/vscode is newer than engines.vscode');
  });
});
