/**
 * The one source of RunLens's command ids, view ids and setting keys.
 * A unit test checks package.json's `contributes` against this module in both directions.
 */

export const CommandId = {
  RunActiveFile: 'runlens.runActiveFile',
  RefreshRuns: 'runlens.refreshRuns',
  ShowReadme: 'runlens.showReadme',
  CopyTrackingEnv: 'runlens.copyTrackingEnv',
  OpenStoreFolder: 'runlens.openStoreFolder',
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const ViewId = {
  Runs: 'runlens.runs',
} as const;
export type ViewId = (typeof ViewId)[keyof typeof ViewId];

export const ViewContainerId = 'runlens';

/** Setting keys without the `runlens.` section prefix, as `getConfiguration('runlens').get(key)` takes them. */
export const SettingKey = {
  PythonPath: 'pythonPath',
  DefaultExperiment: 'defaultExperiment',
} as const;
export type SettingKey = (typeof SettingKey)[keyof typeof SettingKey];

export const SettingSection = 'runlens';

/** Context keys set with `setContext`, used in `when` clauses of package.json. */
export const ContextKey = {
  HasRuns: 'runlens.hasRuns',
} as const;
