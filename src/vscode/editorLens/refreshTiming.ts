/**
 * How the editor's cache of a file's runs follows the store: a change waits `delayMs` for the rest
 * of its burst, and a script logging without pause refreshes the open files at most every
 * `minIntervalMs`. A run's end shows in the lens after `delayMs` plus one read (budget: 1 s).
 */
export const fileRunsRefreshTiming = { delayMs: 150, minIntervalMs: 500 } as const;
