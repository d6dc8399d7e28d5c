import { stringify } from 'yaml';

/** What a meta.yaml holds: scalars, and mappings or lists of them. */
export type YamlWritable = string | number | boolean | null | readonly YamlWritable[] | { readonly [key: string]: YamlWritable };

/**
 * Writes a mapping the way PyYAML's `safe_dump(default_flow_style=False)` does for MLflow's
 * meta.yaml files (keys sorted, two-space indent, lists not indented under their key, no line
 * folding), so that MLflow reads it back as it reads its own. The `yaml` package quotes every
 * string that YAML 1.1 could read as something else (a number, a boolean, null); it resolves more
 * plain scalars than PyYAML does (`y`, `1e5`), so it quotes a little more, never less.
 */
export function writeYaml(mapping: { readonly [key: string]: YamlWritable }): string {
  return stringify(mapping, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0, singleQuote: true });
}
