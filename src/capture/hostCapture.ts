import os from 'node:os';

export interface HostCapture {
  readonly hostname: string;
  /** `linux`, `darwin`, `win32`, ... */
  readonly platform: string;
  /** `x64`, `arm64`, ... */
  readonly arch: string;
  /** The operating system's release, e.g. the kernel version. */
  readonly osRelease: string;
  /** Absent when the account has no name (a container's bare uid). */
  readonly user?: string;
  readonly runlensVersion: string;
}

/** The machine and account a run was launched from; what Node itself is does not matter to a run. */
export function captureHost(runlensVersion: string, env: NodeJS.ProcessEnv = process.env): HostCapture {
  const user = userName(env);
  return {
    hostname: os.hostname(),
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    ...(user ? { user } : {}),
    runlensVersion,
  };
}

function userName(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    // os.userInfo throws when the uid has no passwd entry.
    return env.USER || env.USERNAME || env.LOGNAME || undefined;
  }
}
