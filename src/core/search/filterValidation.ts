import { FilterError } from './filterError';
import { compileRunFilter } from './runSearch';

/** Whether a run filter can be used, and if not, why and where (for an editor to explain as the user types). */
export type FilterValidation =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The fault alone, e.g. "expected a value after '<'". */
      readonly message: string;
      /** Zero-based offset of the fault in the filter; the filter's length when it ended too soon. */
      readonly offset: number;
    };

/** Checks a run filter exactly as a search would (syntax, fields, type rules) without throwing. */
export function validateRunFilter(text: string): FilterValidation {
  try {
    compileRunFilter(text);
    return { ok: true };
  } catch (error) {
    if (error instanceof FilterError) return { ok: false, message: error.reason, offset: error.offset };
    throw error;
  }
}
