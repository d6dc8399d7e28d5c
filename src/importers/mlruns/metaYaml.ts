import { parseDocument, type ScalarTag, type Tags } from 'yaml';

/**
 * A YAML value as MLflow's meta.yaml files hold them. Integers beyond 2^53 (old FileStore wrote
 * 18-digit experiment ids as numbers) come back as their digits, as a string, so nothing is rounded.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | YamlMapping;
export interface YamlMapping {
  [key: string]: YamlValue;
}

export class YamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlError';
  }
}

/**
 * Reads a meta.yaml as PyYAML's SafeLoader (which MLflow uses) reads it, with the `yaml` package's
 * YAML 1.1 schema narrowed to PyYAML's resolution: `yes`/`off` are booleans but `y`/`n` are text,
 * a float needs a dot (`1e5` is text), and dates stay text. Integers are read exactly (see
 * YamlValue). A file that is not one mapping of such values is a YamlError, with the line where
 * the parser says, so a file RunLens cannot read is reported rather than misread.
 */
export function parseYaml(text: string): YamlMapping {
  const document = parseDocument(text, { version: '1.1', customTags: asPyYaml, intAsBigInt: true, uniqueKeys: true });
  const [error] = document.errors;
  if (error) throw new YamlError(error.message.split('\n')[0]);
  const value = toYamlValue(document.toJS({ maxAliasCount: 100 }), 'the document');
  if (value === null) throw new YamlError('the file is empty');
  if (typeof value !== 'object' || Array.isArray(value)) throw new YamlError('the document is not a mapping of keys to values');
  return value;
}

/** PyYAML's implicit resolvers (yaml/resolver.py), where YAML 1.1 as the `yaml` package reads it differs. */
const pyYamlBool = { true: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, false: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/ };
const pyYamlExponentFloat = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/;

function asPyYaml(tags: Tags): Tags {
  return tags.flatMap((tag) => {
    if (typeof tag === 'string' || !('test' in tag) || tag.test === undefined) return [tag];
    const scalar: ScalarTag = tag;
    if (scalar.tag === 'tag:yaml.org,2002:timestamp') return [];
    if (scalar.tag === 'tag:yaml.org,2002:bool') return [{ ...scalar, test: scalar.test?.test('true') ? pyYamlBool.true : pyYamlBool.false }];
    if (scalar.tag === 'tag:yaml.org,2002:float' && scalar.format === 'EXP') return [{ ...scalar, test: pyYamlExponentFloat }];
    return [scalar];
  });
}

function toYamlValue(value: unknown, where: string): YamlValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map((item, index) => toYamlValue(item, `${where}[${index}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const mapping: YamlMapping = {};
    // Defined, not assigned: a key named __proto__ in an untrusted file stays a key.
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(mapping, key, { value: toYamlValue(item, `'${key}'`), enumerable: true, writable: true, configurable: true });
    }
    return mapping;
  }
  throw new YamlError(`${where} holds a value meta.yaml never has (${Object.prototype.toString.call(value)})`);
}
