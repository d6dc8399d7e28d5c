import { open, type FileHandle } from 'node:fs/promises';

/** How often the file is looked at for new output: quick enough to feel live in a terminal. */
const defaultPollMs = 100;
const readSize = 64 * 1024;

/**
 * Follows a growing file (the launch's output log, written by its supervisor process) and hands on
 * each new chunk in order, from `offset`: the terminal of a window shows what the script prints
 * without being the script's parent.
 */
export class OutputTail {
  private offset: number;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private handle: FileHandle | undefined;

  constructor(
    private readonly file: string,
    private readonly onChunk: (chunk: Buffer) => void,
    options: { readonly offset?: number; readonly pollMs?: number } = {},
  ) {
    this.offset = options.offset ?? 0;
    this.timer = setInterval(() => void this.readMore(), options.pollMs ?? defaultPollMs);
  }

  /** Bytes handed on so far (plus the starting offset). */
  get position(): number {
    return this.offset;
  }

  /** Reads what is left in the file, then stops following it. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.readMore(true);
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  /** Stops at once, without reading what is left. */
  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    void this.reading.then(() => this.handle?.close().catch(() => undefined));
  }

  private readMore(final = false): Promise<void> {
    this.reading = this.reading.then(async () => {
      if (this.timer === undefined && !final) return;
      this.handle ??= await open(this.file, 'r').catch(() => undefined);
      if (!this.handle) return;
      for (;;) {
        const buffer = Buffer.alloc(readSize);
        const { bytesRead } = await this.handle.read(buffer, 0, readSize, this.offset);
        if (bytesRead === 0) return;
        this.offset += bytesRead;
        this.onChunk(buffer.subarray(0, bytesRead));
      }
    }).catch(() => undefined);
    return this.reading;
  }
}
