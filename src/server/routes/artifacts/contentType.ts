/**
 * Content-Type of a downloaded artifact, as MLflow's server picks it: names it knows as text are
 * `text/plain` (MLmodel, YAML, requirements.txt, logs, code), a few well-known types by extension,
 * and everything else `application/octet-stream`.
 */
export function artifactContentType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  // A name without an extension (MLmodel, MLproject) is looked up whole, as MLflow does.
  const extension = dot <= 0 ? fileName : fileName.slice(dot + 1).toLowerCase();
  if (textExtensions.has(extension)) return 'text/plain';
  return knownTypes[extension] ?? 'application/octet-stream';
}

const textExtensions = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml',
  'yaml', 'yml', 'xml', 'sh', 'bash', 'csh', 'ksh', 'zsh', 'py', 'r', 'scala', 'java', 'js', 'ts',
  'sql', 'md', 'rst', 'tsv', 'diff', 'patch', 'MLmodel', 'MLproject',
]);

const knownTypes: Readonly<Record<string, string>> = {
  json: 'application/json',
  csv: 'text/csv',
  html: 'text/html',
  htm: 'text/html',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  gz: 'application/gzip',
  zip: 'application/zip',
  tar: 'application/x-tar',
};
