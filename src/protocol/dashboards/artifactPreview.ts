import { RequestType } from '../messages';

// An artifact's preview and its limits, answered from the store (DashboardService).
// artifact/preview ----------------------------------------------------------------------------

export interface ArtifactPreviewParams {
  readonly runId: string;
  /** Relative to the run's artifact root, `/`-separated. */
  readonly path: string;
  /** For text: read from the start (default) or the end (logs: the latest lines matter). */
  readonly from?: 'start' | 'end';
}

/** Largest text read for a preview; beyond it text is cut (and marked truncated). */
export const maxTextPreviewBytes = 256 * 1024;
/** Largest image sent as a data URL. */
export const maxImagePreviewBytes = 2 * 1024 * 1024;
/** Most CSV rows sent. */
export const maxCsvPreviewRows = 500;

export type ArtifactPreview =
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly size: number;
      /** Cut at `maxTextPreviewBytes` (at the end or the start, following `from`). */
      readonly truncated: boolean;
    }
  | {
      /** Pretty-printed JSON; falls back to `text` when the file does not parse. */
      readonly kind: 'json';
      readonly text: string;
      readonly size: number;
      readonly truncated: false;
    }
  | {
      readonly kind: 'csv';
      readonly header: readonly string[];
      readonly rows: readonly (readonly string[])[];
      readonly size: number;
      /** More rows than `maxCsvPreviewRows`, or bytes past `maxTextPreviewBytes`. */
      readonly truncated: boolean;
    }
  | {
      readonly kind: 'image';
      /** `image/png`, `image/jpeg`, `image/gif` or `image/webp` (SVG is previewed as text). */
      readonly mime: string;
      /** `data:<mime>;base64,...`; show it in an <img>. */
      readonly dataUrl: string;
      readonly size: number;
    }
  | { readonly kind: 'tooLarge'; readonly size: number; readonly limit: number }
  | { readonly kind: 'binary'; readonly size: number };

export const ArtifactPreviewRequest = new RequestType<ArtifactPreviewParams, ArtifactPreview>('artifact/preview');
