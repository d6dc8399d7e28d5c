/** What a meta.yaml holds: scalars, and mappings or lists of them. */
export type YamlWritable = string | number | boolean | null | readonly YamlWritable[] | { readonly [key: string]: YamlWritable };

/**
 * Writes a mapping the way PyYAML's `safe_dump(default_flow_style=False)` does for MLflow's
 * meta.yaml files (keys sorted, two-space indent, lists not indented under their key), so that
 * MLflow reads it back as it reads its own. Strings are quoted whenever a plain scalar could be
 * read as something else (a number, a boolean, null, or not a string at all).
 */
export function writeYaml(mapping: { readonly [key: string]: YamlWritable }): string {
  return mappingLines(mapping, '').join('\n') + '\n';
}

function mappingLines(mapping: { readonly [key: string]: YamlWritable }, indent: string): string[] {
  const lines: string[] = [];
  for (const key of Object.keys(mapping).sort()) {
    const value = mapping[key];
    const head = `${indent}${scalar(key)}:`;
    if (isList(value) && value.length > 0) {
      lines.push(head, ...listLines(value, indent));
    } else if (isMapping(value) && Object.keys(value).length > 0) {
      lines.push(head, ...mappingLines(value, `${indent}  `));
    } else {
      lines.push(`${head} ${inline(value)}`);
    }
  }
  return lines;
}

function listLines(list: readonly YamlWritable[], indent: string): string[] {
  return list.flatMap((item) => {
    if (isMapping(item) && Object.keys(item).length > 0) {
      const [first, ...rest] = mappingLines(item, `${indent}  `);
      return [`${indent}- ${first.slice(indent.length + 2)}`, ...rest];
    }
    return [`${indent}- ${inline(item)}`];
  });
}

function inline(value: YamlWritable): string {
  if (isList(value)) return '[]';
  if (isMapping(value)) return '{}';
  return scalar(value);
}

function isList(value: YamlWritable): value is readonly YamlWritable[] {
  return Array.isArray(value);
}

function isMapping(value: YamlWritable): value is { readonly [key: string]: YamlWritable } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return numberText(value);
  return stringText(value);
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  return String(value);
}

// A plain scalar that YAML 1.1 reads back as this very string: no indicator at the start, no
// `: ` or ` #` inside, no surrounding spaces, and nothing that resolves to another type.
const safePlain = /^[A-Za-z0-9_./(][A-Za-z0-9_./@()+\-=,~% :]*$/;
const otherType =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?[0-9_.]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?0x[0-9a-fA-F_]+|[-+]?0o?[0-7_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|\d{4}-\d\d?-\d\d?.*)$/;

function stringText(text: string): string {
  if (text !== '' && safePlain.test(text) && !text.endsWith(' ') && !text.endsWith(':') && !text.includes(': ') && !otherType.test(text)) {
    return text;
  }
  // Single quotes hold any printable text; line breaks and control characters need double quotes.
  if (!/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(text)) return `'${text.replace(/'/g, "''")}'`;
  return `"${[...text].map(escapeForDoubleQuotes).join('')}"`;
}

function escapeForDoubleQuotes(char: string): string {
  switch (char) {
    case '\\':
      return '\\\\';
    case '"':
      return '\\"';
    case '\n':
      return '\\n';
    case '\t':
      return '\\t';
    case '\r':
      return '\\r';
    default: {
      const code = char.codePointAt(0) ?? 0;
      if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff) {
        return `\\u${code.toString(16).padStart(4, '0')}`;
      }
      return char;
    }
  }
}
