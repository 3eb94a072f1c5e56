/**
 * The desktop app's log file: lines are queued and appended in batches, one append at a time
 * (asynchronous and in order: the main process never waits on the disk), and the file is kept
 * to a size: past MAX_BYTES it becomes `<name>.1` (replacing the previous one) and a new file
 * starts. A disk that fails (full, read-only) costs the file its lines, never the node; the Logs
 * screen keeps its own copy.
 */
import { statSync } from 'node:fs';
import { appendFile, rename } from 'node:fs/promises';

/** About 10 MB of JSON lines: weeks of a miner's normal logging. */
export const MAX_BYTES = 10 * 1024 * 1024;

export class FileLog {
  private bytes: number;
  private queued: string[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private failed = false;

  constructor(
    readonly file: string,
    private readonly maxBytes = MAX_BYTES,
  ) {
    try {
      this.bytes = statSync(file).size;
    } catch {
      this.bytes = 0;
    }
  }

  write(line: string): void {
    if (this.failed) return;
    this.queued.push(`${line}\n`);
    if (this.scheduled) return;
    this.scheduled = true;
    this.flushing = this.flushing.then(() => this.flush());
  }

  /** Resolves once every line written so far is on disk (or the file failed). */
  close(): Promise<void> {
    return this.flushing;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const text = this.queued.join('');
    this.queued = [];
    if (!text || this.failed) return;
    const size = Buffer.byteLength(text);
    try {
      if (this.bytes > 0 && this.bytes + size > this.maxBytes) {
        await rename(this.file, `${this.file}.1`).catch(() => {});
        this.bytes = 0;
      }
      await appendFile(this.file, text, { mode: 0o600 });
      this.bytes += size;
    } catch {
      this.failed = true; // full or read-only: stop writing; the node goes on
    }
  }
}
