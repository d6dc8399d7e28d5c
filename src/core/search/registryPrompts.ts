import { comparisonsOf, type FilterExpression } from './filterAst';
import type { FaultReporter } from './filterError';
import { entityKindOf, keyValueField, type FilterCatalog, type FilterField } from './filterFields';
import { fragment, type SqlFragment } from './sqlFragment';

/**
 * MLflow keeps prompts as registered models tagged `mlflow.prompt.is_prompt = 'true'`, and its
 * model searches leave them out unless the filter asks about that tag.
 */
const promptTagKey = 'mlflow.prompt.is_prompt';

/**
 * A tag field of a registry table. For the prompt tag a missing tag reads as 'false', so that
 * `tags.\`mlflow.prompt.is_prompt\` != 'true'` finds ordinary models, as in MLflow.
 */
export function registryTagField(table: string, owner: string, key: string): FilterField {
  if (key !== promptTagKey) return keyValueField(`tag '${key}'`, table, owner, key);
  return {
    label: `tag '${key}'`,
    type: 'string',
    where: (test) => test.on(fragment(`COALESCE((SELECT k.value FROM ${table} AS k WHERE ${owner} AND k.key = ?), 'false')`, [key])),
  };
}

/** Whether a compiled filter compares the prompt tag; if not, the search adds `withoutPrompts`. */
export function filterNamesPromptTag(expression: FilterExpression | undefined, catalog: FilterCatalog, faults: FaultReporter): boolean {
  if (expression === undefined) return false;
  return comparisonsOf(expression).some(
    (comparison) => comparison.field.key === promptTagKey && entityKindOf(catalog, comparison.field, faults) === 'tag',
  );
}

/** Leaves out rows whose `table` (tags of a registry entity) marks them as prompts; `owner` correlates alias `p`. */
export function withoutPrompts(table: string, owner: string): SqlFragment {
  return fragment(`NOT EXISTS (SELECT 1 FROM ${table} AS p WHERE ${owner} AND p.key = ? AND p.value = ?)`, [promptTagKey, 'true']);
}
