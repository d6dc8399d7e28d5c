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
  ShowLog: 'runlens.showLog',
  // Launching tracked runs (src/vscode/launch)
  RunActiveFileWithArguments: 'runlens.runActiveFileWithArguments',
  StopRun: 'runlens.stopRun',
  RerunRun: 'runlens.rerunRun',
  OpenRunCode: 'runlens.openRunCode',
  ApplyRunCode: 'runlens.applyRunCode',
  CleanUpRunWorktrees: 'runlens.cleanUpRunWorktrees',
  ReproduceRun: 'runlens.reproduceRun',
  ShowRunningLaunches: 'runlens.showRunningLaunches',
  LaunchUnavailable: 'runlens.launchUnavailable',
  ChooseLaunchTarget: 'runlens.chooseLaunchTarget',
  SendPendingLaunchResults: 'runlens.sendPendingLaunchResults',
  // Sweeps (src/vscode/sweeps)
  RunSweep: 'runlens.runSweep',
  StopSweep: 'runlens.stopSweep',
  RetryFailedSweep: 'runlens.retryFailedSweep',
  // The RunLens server of each workspace folder (src/vscode/server)
  ShowServer: 'runlens.showServer',
  // The Runs view (src/vscode/runs)
  FilterRuns: 'runlens.filterRuns',
  ClearRunFilter: 'runlens.clearRunFilter',
  SortRuns: 'runlens.sortRuns',
  ShowDeletedRuns: 'runlens.showDeletedRuns',
  HideDeletedRuns: 'runlens.hideDeletedRuns',
  LoadMoreRuns: 'runlens.loadMoreRuns',
  ChoosePrimaryMetric: 'runlens.choosePrimaryMetric',
  OpenRunSource: 'runlens.openRunSource',
  OpenRunDiff: 'runlens.openRunDiff',
  ShowRunOutput: 'runlens.showRunOutput',
  CopyRunId: 'runlens.copyRunId',
  RenameRun: 'runlens.renameRun',
  EditRunNote: 'runlens.editRunNote',
  AddRunTag: 'runlens.addRunTag',
  RemoveRunTag: 'runlens.removeRunTag',
  DeleteRun: 'runlens.deleteRun',
  RestoreRun: 'runlens.restoreRun',
  PurgeRun: 'runlens.purgeRun',
  RegisterRunModel: 'runlens.registerRunModel',
  CompareRunWith: 'runlens.compareRunWith',
  // The Models view (src/vscode/models)
  RefreshModels: 'runlens.refreshModels',
  SetModelAlias: 'runlens.setModelAlias',
  RemoveModelAlias: 'runlens.removeModelAlias',
  TransitionModelStage: 'runlens.transitionModelStage',
  OpenModelVersionRun: 'runlens.openModelVersionRun',
  CopyModelUri: 'runlens.copyModelUri',
  // The dashboards (src/vscode/dashboards)
  OpenRunDashboard: 'runlens.openRunDashboard',
  OpenExperimentDashboard: 'runlens.openExperimentDashboard',
  CompareRuns: 'runlens.compareRuns',
  // GenAI traces in the Runs view and the trace viewer (src/vscode/traces)
  OpenTrace: 'runlens.openTrace',
  CompareTraces: 'runlens.compareTraces',
  FilterTraces: 'runlens.filterTraces',
  ClearTraceFilter: 'runlens.clearTraceFilter',
  // Remote MLflow servers in the Runs and Models views (src/vscode/remote)
  AddRemoteServer: 'runlens.addRemoteServer',
  RemoveRemoteServer: 'runlens.removeRemoteServer',
  RefreshRemoteServer: 'runlens.refreshRemoteServer',
  LoadMoreRemote: 'runlens.loadMoreRemote',
  // The editor knows your experiments (src/vscode/editorLens)
  DiffSinceBestRun: 'runlens.diffSinceBestRun',
  // Import of MLflow data and push to a remote server (src/vscode/import)
  ImportMlflowData: 'runlens.importMlflowData',
  PushToRemote: 'runlens.pushToRemote',
  PromoteModelToRemote: 'runlens.promoteModelToRemote',
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const ViewId = {
  Runs: 'runlens.runs',
  Models: 'runlens.models',
} as const;
export type ViewId = (typeof ViewId)[keyof typeof ViewId];

export const ViewContainerId = 'runlens';

/** Setting keys without the `runlens.` section prefix, as `getConfiguration('runlens').get(key)` takes them. */
export const SettingKey = {
  PythonPath: 'pythonPath',
  DefaultExperiment: 'defaultExperiment',
  RunsPageSize: 'runsPageSize',
  CodeLensEnabled: 'codeLens.enabled',
  DataPaths: 'dataPaths',
  RemoteServers: 'remoteServers',
  LaunchTarget: 'launchTarget',
  KeepFinishedTerminals: 'keepFinishedTerminals',
  BestRunGutter: 'editor.bestRunGutter',
  SweepConcurrency: 'sweep.concurrency',
  ServerMode: 'server.mode',
  ServerIdleMinutes: 'server.idleMinutes',
} as const;
export type SettingKey = (typeof SettingKey)[keyof typeof SettingKey];

export const SettingSection = 'runlens';

/** Theme colours contributed in package.json, for ThemeColor. */
export const ColorId = {
  RunRunning: 'runlens.runRunning',
  RunFinished: 'runlens.runFinished',
  RunFailed: 'runlens.runFailed',
  RunKilled: 'runlens.runKilled',
} as const;

/** Context keys set with `setContext`, used in `when` clauses of package.json. */
export const ContextKey = {
  HasRuns: 'runlens.hasRuns',
  RunsFiltered: 'runlens.runsFiltered',
  ShowingDeletedRuns: 'runlens.showingDeletedRuns',
  /** Scripts RunLens launched are running in this window. */
  LaunchesRunning: 'runlens.launchesRunning',
  /** Remote launches ended whose end has not reached their server yet. */
  LaunchResultsPending: 'runlens.launchResultsPending',
} as const;
