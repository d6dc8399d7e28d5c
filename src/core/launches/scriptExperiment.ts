const setExperimentCall = /\b(?:mlflow|runlens)\s*\.\s*set_experiment\s*\(/g;
const literalCall = /\b(?:mlflow|runlens)\s*\.\s*set_experiment\s*\(\s*(?:experiment_name\s*=\s*)?(["'])([^"'\\\n]+)\1\s*[,)]/g;

/**
 * The experiment a script chooses for itself, when every `set_experiment(...)` in it names the
 * same one as a plain string literal; undefined when it names none, several, or one computed at
 * run time. A launch to a remote server makes its run there beforehand, and MLflow's client refuses
 * to resume a run (MLFLOW_RUN_ID) from another experiment than the one the script sets. A cheap
 * scan, as the lenses do: comment lines are skipped, strings are not parsed.
 */
export function experimentNamedIn(text: string): string | undefined {
  const code = text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  const calls = code.match(setExperimentCall)?.length ?? 0;
  const names = new Set([...code.matchAll(literalCall)].map((match) => match[2]));
  const literals = [...code.matchAll(literalCall)].length;
  return calls > 0 && literals === calls && names.size === 1 ? [...names][0] : undefined;
}
