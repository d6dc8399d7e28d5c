import type { Comparison, ComparisonOperator, FieldRef, FilterExpression, ListLiteral, Literal } from './filterAst';
import { FaultReporter } from './filterError';
import { parseField } from './fieldParser';
import { FilterScanner } from './filterScanner';

const symbolOperators: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=']);
// RLIKE is left out: only traces take it (any other field refuses it, listing what it takes).
const operatorList = '=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN';
const keywords: ReadonlySet<string> = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'RLIKE']);
/**
 * Bounds that keep a hostile filter a 400, not a crash: each comparison becomes a SQL subexpression
 * (SQLite refuses trees deeper than 1,000: "Expression tree is too large"), and each parenthesis a
 * level of this recursive parser (thousands would overflow the stack). Real filters use a handful.
 */
export const maxFilterComparisons = 200;
export const maxFilterNesting = 50;

/**
 * Parses a filter: comparisons `<field> <operator> <value>` joined by AND and OR (AND binds
 * tighter), grouped with parentheses; keywords in any case. An empty or blank filter is
 * undefined (no filtering). Throws FilterError, pointing at the fault.
 * `fieldExample` completes "expected a field such as ..." for the entity being searched.
 */
export function parseFilter(text: string, fieldExample: string): FilterExpression | undefined {
  const scanner = new FilterScanner(new FaultReporter(text, 'filter'));
  scanner.skipSpace();
  if (scanner.atEnd()) return undefined;
  return new FilterParser(scanner, fieldExample).parseTop();
}

class FilterParser {
  private readonly faults: FaultReporter;
  private comparisons = 0;
  private nesting = 0;

  constructor(
    private readonly scanner: FilterScanner,
    private readonly fieldExample: string,
  ) {
    this.faults = scanner.faults;
  }

  parseTop(): FilterExpression {
    const expression = this.parseOr();
    this.scanner.skipSpace();
    if (!this.scanner.atEnd()) {
      if (this.scanner.peek() === ')') this.faults.fail("unexpected ')': there is no '(' to close", this.scanner.position);
      this.faults.fail('expected AND, OR or the end of the filter after a comparison', this.scanner.position);
    }
    return expression;
  }

  private parseOr(): FilterExpression {
    const operands = [this.parseAnd()];
    while (this.matchKeyword('OR')) operands.push(this.parseAnd());
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private parseAnd(): FilterExpression {
    const operands = [this.parsePrimary()];
    while (this.matchKeyword('AND')) operands.push(this.parsePrimary());
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private matchKeyword(keyword: string): boolean {
    this.scanner.skipSpace();
    return this.scanner.matchKeyword(keyword);
  }

  private parsePrimary(): FilterExpression {
    const scanner = this.scanner;
    scanner.skipSpace();
    if (scanner.peek() !== '(') return this.parseComparison();
    const open = scanner.position;
    if (++this.nesting > maxFilterNesting) this.faults.fail(`parentheses nest deeper than ${maxFilterNesting} levels`, open);
    scanner.position++;
    const inner = this.parseOr();
    this.nesting--;
    scanner.skipSpace();
    if (scanner.peek() !== ')') {
      const reason = scanner.atEnd()
        ? `expected ')' to close the '(' at column ${open + 1}`
        : `expected AND, OR or ')' to close the '(' at column ${open + 1}`;
      this.faults.fail(reason, scanner.position);
    }
    scanner.position++;
    return inner;
  }

  private parseComparison(): Comparison {
    const scanner = this.scanner;
    if (scanner.atEnd()) this.faults.fail(`expected a comparison such as ${this.fieldExample}`, scanner.position);
    if (++this.comparisons > maxFilterComparisons) {
      this.faults.fail(`a filter holds at most ${maxFilterComparisons} comparisons`, scanner.position);
    }
    const field = parseField(scanner, this.fieldExample);
    scanner.skipSpace();
    const operatorOffset = scanner.position;
    const operator = this.parseOperator(field);
    const value =
      operator === 'IN' || operator === 'NOT IN'
        ? this.parseList(operator)
        : this.parseLiteral(`after '${scanner.text.slice(operatorOffset, scanner.position)}'`);
    return { kind: 'comparison', field, operator, operatorOffset, value };
  }

  private parseOperator(field: FieldRef): ComparisonOperator {
    const scanner = this.scanner;
    const offset = scanner.position;
    const symbol = scanner.readOperatorSymbol();
    if (symbol !== undefined) {
      if (!symbolOperators.has(symbol)) this.faults.fail(`unknown operator '${symbol}': use one of ${operatorList}`, offset);
      return symbol as ComparisonOperator;
    }
    if (scanner.matchKeyword('LIKE')) return 'LIKE';
    if (scanner.matchKeyword('ILIKE')) return 'ILIKE';
    if (scanner.matchKeyword('RLIKE')) return 'RLIKE';
    if (scanner.matchKeyword('IN')) return 'IN';
    if (scanner.matchKeyword('NOT')) {
      scanner.skipSpace();
      if (scanner.matchKeyword('IN')) return 'NOT IN';
      this.faults.fail('expected IN after NOT (the only negated operator is NOT IN)', scanner.position);
    }
    this.faults.fail(`expected an operator (${operatorList}) after '${field.text}'`, offset);
  }

  private parseList(operator: 'IN' | 'NOT IN'): ListLiteral {
    const scanner = this.scanner;
    scanner.skipSpace();
    const offset = scanner.position;
    if (scanner.peek() !== '(') this.faults.fail(`expected a list in parentheses after ${operator}, e.g. ('a', 'b')`, offset);
    scanner.position++;
    const items: Literal[] = [];
    scanner.skipSpace();
    if (scanner.peek() === ')') this.faults.fail(`the list after ${operator} is empty: give at least one value`, scanner.position);
    for (;;) {
      items.push(this.parseLiteral('in the list'));
      scanner.skipSpace();
      const char = scanner.peek();
      scanner.position++;
      if (char === ')') break;
      if (char !== ',') this.faults.fail("expected ',' or ')' in the list", scanner.position - 1);
    }
    return { kind: 'list', items, offset };
  }

  /** A quoted string or a number; `where` completes "expected a value ...". */
  private parseLiteral(where: string): Literal {
    const scanner = this.scanner;
    scanner.skipSpace();
    const offset = scanner.position;
    const char = scanner.peek();
    if (char === "'" || char === '"') {
      const value = scanner.readQuoted(char);
      return { kind: 'string', value, text: scanner.text.slice(offset, scanner.position), offset };
    }
    const number = scanner.readNumber();
    if (number !== undefined) return { kind: 'number', value: number.value, text: number.text, offset };
    if (char === '(') this.faults.fail(`expected a value ${where}: a list of values needs IN or NOT IN`, offset);
    const word = scanner.peekWord();
    if (word !== undefined && !keywords.has(word.toUpperCase())) {
      this.faults.fail(`expected a value ${where}: quote strings, e.g. '${word}'`, offset);
    }
    this.faults.fail(`expected a value ${where}`, offset);
  }
}
