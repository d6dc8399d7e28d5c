/** A cell: text (run data, untrusted) or a number (written with every digit). */
export type CsvCell = string | number;

/**
 * RFC 4180: fields holding a comma, a double quote, CR or LF are quoted, with quotes doubled;
 * records end with CRLF.
 */
export function csvRecord(fields: readonly CsvCell[]): string {
  return `${fields.map((field) => csvField(typeof field === 'number' ? numberText(field) : neutralizeFormula(field))).join(',')}\r\n`;
}

function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** Text that is a plain decimal number: a spreadsheet reads it as that number, never as a formula. */
const plainNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or CR before one) as a formula:
 * `=HYPERLINK(...)` in a run name would become a live link in whoever opens the export. Such text
 * gets a leading apostrophe, which spreadsheets show as text (OWASP's advice); text that is just a
 * number (a param `-0.01`) stays as it is.
 */
function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !plainNumber.test(text) ? `'${text}` : text;
}

/** A metric value as text with every digit JavaScript round-trips, and NaN/Infinity spelled out. */
export function numberText(value: number): string {
  return String(value);
}

export interface ParsedCsv {
  readonly records: string[][];
  /** Stopped at `maxRecords`. */
  readonly truncated: boolean;
}

/**
 * Parses RFC 4180 text (also accepting bare LF line ends and a trailing partial record, as a
 * preview of a cut file needs), up to `maxRecords` records.
 */
export function parseCsv(text: string, maxRecords: number, delimiter = ','): ParsedCsv {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    records.push(record);
    record = [];
    field = '';
  };
  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += char;
      }
      i += 1;
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
    } else if (char === delimiter) {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      endRecord();
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      if (records.length >= maxRecords) return { records, truncated: i + 1 < text.length };
    } else {
      field += char;
    }
    i += 1;
  }
  if (field !== '' || record.length > 0) endRecord();
  return { records, truncated: false };
}
