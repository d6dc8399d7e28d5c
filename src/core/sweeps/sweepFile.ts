import { parse as parseYaml } from 'yaml';
import { SweepSpecError, validateSweepSpec, type ParameterSpec, type SweepMethod, type SweepSpec } from './sweepSpec';

/** Sweep files are named `*.sweep.json`, `*.sweep.yaml` or `*.sweep.yml`. */
export const sweepFilePattern = /\.sweep\.(json|ya?ml)$/i;

/** A sweep file's text as a spec: JSON or YAML by its name; a syntax error says the line where it can. */
export function parseSweepFile(text: string, fileName: string): SweepSpec {
  const yaml = /\.ya?ml$/i.test(fileName);
  let parsed: unknown;
  try {
    // YAML's own aliases could expand a small file into a huge tree: keep the count low.
    parsed = yaml ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (error) {
    throw new SweepSpecError(`${fileName} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`);
  }
  try {
    return validateSweepSpec(parsed);
  } catch (error) {
    if (SweepSpecError.is(error)) throw new SweepSpecError(`${fileName}: ${error.message}`);
    throw error;
  }
}

/**
 * The quick input's form of a sweep: `lr=0.1,0.01 batch=16,32 env.SEED=1,2`, one word per
 * argument (or `env.` variable) with its values separated by commas; with method random, a value
 * `1e-4..1e-1` is a range (log-scaled when both ends are above 0 and a decade or more apart).
 */
export function parseSweepLine(line: string, method: Exclude<SweepMethod, 'list'>, random?: { samples: number; seed: number }): SweepSpec {
  const parameters: Record<string, ParameterSpec> = {};
  const env: Record<string, ParameterSpec> = {};
  const words = line.trim().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) throw new SweepSpecError('name an argument and its values, as lr=0.1,0.01');
  for (const word of words) {
    const equals = word.indexOf('=');
    if (equals <= 0 || equals === word.length - 1) throw new SweepSpecError(`${word}: write name=value1,value2`);
    const name = word.slice(0, equals).replace(/^--/, '');
    const given = word.slice(equals + 1);
    const range = /^(-?[\d.e+-]+)\.\.(-?[\d.e+-]+)$/i.exec(given);
    const parameter: ParameterSpec = range && method === 'random' ? rangeOf(range[1], range[2], word) : given.split(',').map(valueOf);
    if (name.startsWith('env.')) env[name.slice(4)] = parameter;
    else parameters[name] = parameter;
  }
  return validateSweepSpec({ method, parameters, env, ...(method === 'random' ? random : {}) });
}

/** `1..4` (whole numbers as written) samples whole numbers; `0.001..0.1` samples reals. */
function rangeOf(low: string, high: string, word: string): ParameterSpec {
  const min = Number(low);
  const max = Number(high);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new SweepSpecError(`${word}: a range is two numbers, as 0.001..0.1`);
  const integer = /^-?\d+$/.test(low) && /^-?\d+$/.test(high);
  const log = !integer && min > 0 && max / min >= 10;
  return { min, max, ...(log ? { log } : {}), ...(integer ? { integer } : {}) };
}

/** Numbers stay numbers (they reach the script as typed either way), the rest is text. */
function valueOf(text: string): string | number {
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) && String(number) === text ? number : text;
}
