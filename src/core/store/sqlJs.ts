import { existsSync } from 'node:fs';
import path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Loads sql.js once per process, on first use (never at extension activation).
 * In the bundles the WebAssembly file sits beside dist/*.js; in compiled tests it is taken from the package.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: () => wasmPath() });
  return loading;
}

function wasmPath(): string {
  const besideBundle = path.join(__dirname, 'sql-wasm.wasm');
  return existsSync(besideBundle) ? besideBundle : require.resolve('sql.js/dist/sql-wasm.wasm');
}
