import { invalidParameter } from '../../../core/errors';

/**
 * MLflow's `validate_path_is_safe`, for paths its handlers take from a request (`path`,
 * `artifact_file_path`, `artifact_directory_path`): no `#`, no backslash, no `..` segment, not
 * absolute (POSIX or Windows), no drive letter. It answers 400 INVALID_PARAMETER_VALUE with the bare
 * message "Invalid path", and so does RunLens; the artifact store then applies its own rules too.
 */
export function safeArtifactPath(path: string): string {
  const decoded = fullyDecoded(path);
  if (
    decoded.includes('#') ||
    decoded.includes('\\') ||
    decoded.includes('\0') ||
    decoded.split('/').includes('..') ||
    decoded.startsWith('/') ||
    /^[A-Za-z]:/.test(decoded)
  ) {
    throw invalidParameter('Invalid path');
  }
  return path;
}

function fullyDecoded(path: string): string {
  let current = path;
  for (let round = 0; round < 10; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}
