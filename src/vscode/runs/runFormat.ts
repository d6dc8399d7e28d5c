/** How run times and values read in the tree: short, and the same everywhere. */

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** "just now", "3 min ago", "5 h ago", "2 days ago", then the date: as a run list reads at a glance. */
export function relativeTime(time: number, now: number): string {
  const elapsed = now - time;
  if (elapsed < 0) return 'in the future';
  if (elapsed < minute) return 'just now';
  if (elapsed < hour) return `${Math.floor(elapsed / minute)} min ago`;
  if (elapsed < day) return `${Math.floor(elapsed / hour)} h ago`;
  if (elapsed < 30 * day) {
    const days = Math.floor(elapsed / day);
    return `${days} day${days === 1 ? '' : 's'} ago`;
  }
  return new Date(time).toISOString().slice(0, 10);
}

/** "45 s", "3 min 20 s", "2 h 5 min", "3 days 4 h": how long a run took or has been running. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ${hours % 24} h`;
}

/** A metric value as the tree shows it: four significant digits, NaN and infinities by name. */
export function formatMetricValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const rounded = Number(value.toPrecision(4));
  return Math.abs(rounded) >= 1e6 || (rounded !== 0 && Math.abs(rounded) < 1e-4) ? rounded.toExponential(3) : String(rounded);
}

/** `512 B`, `3.4 KB`, `12.0 MB`, `1.2 GB`: an artifact's or a folder's size. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
