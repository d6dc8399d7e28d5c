import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The absolute path a spawn of `command` would run: a name with a slash is taken relative to `cwd`,
 * a bare name is looked up on the PATH of `env` as the operating system does (with PATHEXT on
 * Windows). Undefined when no such executable file exists. Launching that path, rather than the
 * bare name, makes the interpreter RunLens records the exact one that runs.
 */
export async function resolveExecutable(command: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string | undefined> {
  if (command.includes('/') || (process.platform === 'win32' && command.includes('\\'))) {
    const absolute = path.resolve(cwd, command);
    return (await isExecutableFile(absolute)) ? absolute : undefined;
  }
  const extensions = process.platform === 'win32' ? ['', ...(pathValue(env, 'PATHEXT') ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
  for (const dir of (pathValue(env, 'PATH') ?? '').split(path.delimiter)) {
    // An empty entry (the current folder, to a shell) is not searched: a script's folder must not choose its interpreter.
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = path.resolve(cwd, dir, command + extension);
      if (await isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Environment variable names are case-insensitive on Windows (`Path`). */
function pathValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (process.platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
