import type { ImportSummary } from './importMlflowData';

/** One sentence for a notification: what came in. */
export function importHeadline(summary: ImportSummary): string {
  const parts = [
    plural(summary.runs.imported, 'run'),
    `${summary.metricPoints.toLocaleString('en-US')} metric points`,
    plural(summary.experiments.created, 'new experiment'),
  ];
  if (summary.artifacts.mode === 'copy') parts.push(plural(summary.artifacts.filesCopied, 'artifact file'));
  if (summary.loggedModels.imported > 0) parts.push(plural(summary.loggedModels.imported, 'logged model'));
  if (summary.registeredModels.versionsImported > 0) parts.push(plural(summary.registeredModels.versionsImported, 'model version'));
  const again = summary.runs.alreadyPresent > 0 ? `; ${plural(summary.runs.alreadyPresent, 'run')} already in RunLens` : '';
  const skipped = summary.skipped.length > 0 ? `; ${plural(summary.skipped.length, 'item')} skipped` : '';
  return `Imported ${parts.join(', ')} from ${summary.source}${again}${skipped}.`;
}

/** The whole report: counts, experiment id mapping, and every skipped item with its path and reason. */
export function importReport(summary: ImportSummary): string {
  const lines = [
    `Imported from ${summary.source} (${summary.format}) in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  experiments:       ${summary.experiments.created} created, ${summary.experiments.matchedByName} matched by name`,
    `  runs:              ${summary.runs.imported} imported, ${summary.runs.alreadyPresent} already present`,
    `  metric points:     ${summary.metricPoints}`,
    `  params, tags:      ${summary.params}, ${summary.tags}`,
    summary.artifacts.mode === 'copy'
      ? `  artifacts:         ${summary.artifacts.filesCopied} files copied (${formatBytes(summary.artifacts.bytesCopied)})`
      : '  artifacts:         referenced where they are (not copied)',
    `  logged models:     ${summary.loggedModels.imported} imported, ${summary.loggedModels.alreadyPresent} already present`,
    `  registered models: ${summary.registeredModels.created} created, ${summary.registeredModels.versionsImported} versions imported`,
  ];
  if (summary.experiments.mapping.length > 0) {
    lines.push('Experiment ids:');
    for (const m of summary.experiments.mapping) {
      const why = m.outcome === 'matched' ? `joined the existing experiment '${m.name}'` : (m.reason ?? '');
      lines.push(`  ${m.sourceId} -> ${m.targetId} (${m.name}): ${why}`);
    }
  }
  if (summary.skipped.length > 0) {
    lines.push(`Skipped (${summary.skipped.length}):`);
    for (const item of summary.skipped) lines.push(`  ${item.path}: ${item.reason}`);
  }
  return lines.join('\n');
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
