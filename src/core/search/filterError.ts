import { ErrorCode, MlflowError } from '../errors';

/** What the text was, for the message: "Invalid filter ...", "Invalid order_by clause ...". */
export type SearchTextLabel = 'filter' | 'order_by clause';

/** Filters longer than this are shown as a window around the fault, so the caret stays readable. */
const maxShownLength = 100;

/**
 * A filter or order_by clause that cannot be used, with where it broke. A 400
 * INVALID_PARAMETER_VALUE whose message shows the text with a caret under the fault:
 *
 *     Invalid filter at column 16: expected a value after '<'
 *     metrics.rmse < AND params.lr = '0.01'
 *                    ^
 */
export class FilterError extends MlflowError {
  constructor(
    /** The fault alone, without position or text: "expected a value after '<'". */
    readonly reason: string,
    /** Zero-based offset into the text; the text's length when the text ended too soon. */
    readonly offset: number,
    text: string,
    label: SearchTextLabel,
  ) {
    super(ErrorCode.InvalidParameterValue, describeFault(reason, offset, text, label));
    this.name = 'FilterError';
  }
}

/** Raises faults found in one text; parser and compilers share it so every error points the same way. */
export class FaultReporter {
  constructor(
    readonly text: string,
    private readonly label: SearchTextLabel,
  ) {}

  fail(reason: string, offset: number): never {
    throw new FilterError(reason, offset, this.text, this.label);
  }
}

function describeFault(reason: string, offset: number, text: string, label: SearchTextLabel): string {
  // Line breaks and tabs would push the caret off its column.
  const flat = text.replace(/[\r\n\t]/g, ' ');
  let start = 0;
  let end = flat.length;
  if (flat.length > maxShownLength) {
    start = Math.max(0, Math.min(offset - maxShownLength / 2, flat.length - maxShownLength));
    end = start + maxShownLength;
  }
  const before = start > 0 ? '...' : '';
  const after = end < flat.length ? '...' : '';
  const shown = before + flat.slice(start, end) + after;
  const caret = ' '.repeat(before.length + offset - start) + '^';
  return `Invalid ${label} at column ${offset + 1}: ${reason}\n${shown}\n${caret}`;
}
