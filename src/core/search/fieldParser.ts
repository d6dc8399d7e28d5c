import type { FieldRef } from './filterAst';
import { isWordCharacter, type FilterScanner } from './filterScanner';

/** Characters that may follow a field directly: space, an operator, a parenthesis, a comma. */
const afterField = /[\s<>=!(),]/;

/**
 * Reads a field at the scanner's position: `entity.key` or a bare attribute name. The key is either
 * words joined by dots (`tags.mlflow.runName`, as MLflow reads it) or one quoted name in backticks
 * or double quotes (``metrics.`train loss` ``, `params."my.key"`).
 * `example` completes "expected a field such as ..." for the entity being searched.
 */
export function parseField(scanner: FilterScanner, example: string): FieldRef {
  const offset = scanner.position;
  const first = readSegment(scanner);
  if (first === undefined) scanner.faults.fail(`expected a field such as ${example}`, offset);

  let field: FieldRef;
  if (scanner.peek() === '.') {
    scanner.position++;
    const keyOffset = scanner.position;
    const key = readKey(scanner);
    if (key === undefined) {
      scanner.faults.fail(`expected a key after '${scanner.text.slice(offset, keyOffset)}'`, keyOffset);
    }
    field = { entity: first, key, text: scanner.text.slice(offset, scanner.position), offset };
  } else {
    field = { key: first, text: scanner.text.slice(offset, scanner.position), offset };
  }

  const next = scanner.peek();
  if (next !== '' && !afterField.test(next)) {
    const rest = /\S*/y;
    rest.lastIndex = offset;
    const written = rest.exec(scanner.text)?.[0] ?? field.text;
    const suggestion = field.entity === undefined ? `\`${written}\`` : `${field.entity}.\`${written.slice(field.entity.length + 1)}\``;
    scanner.faults.fail(
      `unexpected '${next}' in the field '${written}': quote a key that holds characters other than letters, digits, '_' and '.', e.g. ${suggestion}`,
      scanner.position,
    );
  }
  return field;
}

/** A word or a quoted name; undefined when neither starts here. */
function readSegment(scanner: FilterScanner): string | undefined {
  const char = scanner.peek();
  if (char === '`' || char === '"') return scanner.readQuoted(char);
  return scanner.readWord();
}

function readKey(scanner: FilterScanner): string | undefined {
  const char = scanner.peek();
  if (char === '`' || char === '"') {
    const key = scanner.readQuoted(char);
    if (scanner.peek() === '.') {
      scanner.faults.fail('a quoted key must be the whole key: put every part inside the quotes', scanner.position);
    }
    return key;
  }
  let key = scanner.readWord();
  if (key === undefined) return undefined;
  while (scanner.peek() === '.') {
    const dot = scanner.position;
    scanner.position++;
    if (scanner.peek() === '`' || scanner.peek() === '"') {
      scanner.faults.fail('a quoted key must be the whole key: put every part inside the quotes', dot + 1);
    }
    if (!isWordCharacter(scanner.peek())) scanner.faults.fail(`expected more of the key after '.'`, dot + 1);
    key += '.' + scanner.readWord();
  }
  return key;
}
