import { attributeValue, outlineOf, type SpanJson, type SpanOutline } from './spanJson';

/**
 * Longer values (a span's inputs and outputs, as a rule) stay in the span file only: kept in
 * sql.js they would make its memory follow the payloads, which DESIGN.md keeps out of it.
 */
export const maxSearchableAttributeChars = 1000;

/** The trace's own id, on every span: searched as `request_id`, not per span. */
const unsearchedKeys: ReadonlySet<string> = new Set(['mlflow.traceRequestId']);

/** One attribute of a span as `span.attributes.<key>` filters compare it. */
export interface SearchableAttribute {
  readonly key: string;
  /** A string as it is, anything else as JSON (`0.7`, `true`, `["a","b"]`), as assessments' values read. */
  readonly value: string;
}

/**
 * The attributes of a span that `span.attributes.<key>` can find. MLflow's client sends them typed
 * over OTLP and JSON-encoded in a `traces.json` upload; both read the same here (attributeValue).
 */
export function searchableAttributes(span: SpanJson): SearchableAttribute[] {
  const found = new Map<string, string>();
  for (const { key } of span.attributes ?? []) {
    if (unsearchedKeys.has(key) || found.has(key)) continue;
    const value = attributeText(attributeValue(span.attributes, key));
    if (value !== undefined && value.length <= maxSearchableAttributeChars) found.set(key, value);
  }
  return [...found].map(([key, value]) => ({ key, value }));
}

function attributeText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A span as ingestion records it: its outline and its searchable attributes. */
export interface IngestedSpan extends SpanOutline {
  readonly attributes: readonly SearchableAttribute[];
}

export function ingestedSpanOf(span: SpanJson): IngestedSpan {
  return { ...outlineOf(span), attributes: searchableAttributes(span) };
}
