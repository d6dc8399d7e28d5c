import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * The launch's output as the person saw it in the terminal: stdout and stderr interleaved in the
 * order they arrived, byte for byte (the terminal's \r\n conversion is not applied here).
 */
export class OutputLog {
  private readonly stream: WriteStream;
  private written = 0;
  private failure: Error | undefined;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { flags: 'a' });
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  /** Bytes appended so far. */
  get bytes(): number {
    return this.written;
  }

  append(chunk: Buffer): void {
    if (this.failure !== undefined || this.stream.writableEnded) return;
    this.written += chunk.length;
    this.stream.write(chunk);
  }

  /** Resolves when everything appended is in the file (so a copy of it is complete). */
  flush(): Promise<void> {
    if (this.failure !== undefined || this.stream.writableEnded || this.stream.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.stream.write('', () => resolve()));
  }

  /** Closes the file; resolves when it is complete on disk, rejects with the first write error. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => (this.failure ? reject(this.failure) : resolve());
      if (this.stream.closed) done();
      else this.stream.end(() => done());
    });
  }
}
