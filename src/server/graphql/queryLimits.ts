import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** MLflow's fixed limits on a query's shape (graphql_no_batching.py). */
const maxDepth = 10;
const maxSelections = 1000;

/** MLflow's environment variables for the batching limits, with its defaults. */
const rootFieldsVariable = 'MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS';
const aliasesVariable = 'MLFLOW_SERVER_GRAPHQL_MAX_ALIASES';
const defaultLimit = 10;

/**
 * What MLflow refuses before executing a query, so that one request cannot batch many expensive
 * calls: more than 10 root fields, more than 10 aliases at one level (fragments merged into their
 * level), nesting past 10 levels, more than 1,000 selections. Returns MLflow's error message, or
 * undefined when the query may run.
 */
export function queryLimitError(document: DocumentNode, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let rootFields = 0;
  let maxAliases = 0;
  let selections = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const pending: { set: SelectionSetNode; depth: number; seen: ReadonlySet<string> }[] = [
      { set: definition.selectionSet, depth: 1, seen: new Set() },
    ];
    while (pending.length > 0) {
      const { set, depth, seen } = pending.pop()!;
      if (depth > maxDepth) return `Query exceeds maximum depth of ${maxDepth}`;
      const { fields, aliases } = levelFields(set, fragments, seen);
      for (const field of fields) {
        if (depth === 1) rootFields += 1;
        if (field.selectionSet) pending.push({ set: field.selectionSet, depth: depth + 1, seen });
        selections += 1;
        if (selections > maxSelections) return `Query exceeds maximum total selections of ${maxSelections}`;
      }
      maxAliases = Math.max(maxAliases, aliases);
    }
  }
  const rootLimit = limitOf(env, rootFieldsVariable);
  if (rootFields > rootLimit) return overLimit(rootLimit, 'root fields', rootFields, rootFieldsVariable);
  const aliasLimit = limitOf(env, aliasesVariable);
  if (maxAliases > aliasLimit) return overLimit(aliasLimit, 'aliases', maxAliases, aliasesVariable);
  return undefined;
}

/** The fields of one level, with inline fragments and fragment spreads merged in (each fragment once). */
function levelFields(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: ReadonlySet<string>,
): { fields: FieldNode[]; aliases: number } {
  const fields: FieldNode[] = [];
  let aliases = 0;
  const visited = new Set(seen);
  const queue = [...set.selections];
  while (queue.length > 0) {
    const selection = queue.shift()!;
    if (selection.kind === Kind.FIELD) {
      fields.push(selection);
      if (selection.alias) aliases += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      queue.push(...selection.selectionSet.selections);
    } else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) queue.push(...fragment.selectionSet.selections);
    }
  }
  return { fields, aliases };
}

function limitOf(env: NodeJS.ProcessEnv, name: string): number {
  const value = Number(env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : defaultLimit;
}

function overLimit(limit: number, what: string, value: number, variable: string): string {
  return `GraphQL queries should have at most ${limit} ${what}, got ${value} ${what}. To increase the limit, set the ${variable} environment variable.`;
}
