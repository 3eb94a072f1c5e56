/**
 * The last log lines a node wrote, for the UI's Logs screen and the diagnostics report. It is fed
 * the logger's JSON lines, which the logger has already redacted, so nothing secret gets in.
 */
import type { LogLine } from '../../shared/ipc/contract';

export class LogBuffer {
  private readonly lines: LogLine[] = [];
  private readonly listeners = new Set<(line: LogLine) => void>();

  constructor(private readonly capacity = 2000) {}

  /** Takes one JSON line from the logger (format 'json'); anything else is kept as plain text. */
  push(jsonLine: string): void {
    let line: LogLine;
    try {
      const r = JSON.parse(jsonLine) as Record<string, unknown>;
      const { time, level, scope, msg, ...fields } = r;
      const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      line = {
        time: String(time),
        level: (['debug', 'info', 'warn', 'error'].includes(String(level))
          ? level
          : 'info') as LogLine['level'],
        scope: String(scope),
        msg: `${String(msg)}${extra}`,
      };
    } catch {
      line = { time: new Date().toISOString(), level: 'info', scope: 'node', msg: jsonLine };
    }
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
    for (const l of this.listeners) l(line);
  }

  recent(limit: number): LogLine[] {
    return this.lines.slice(-limit);
  }

  onLine(listener: (line: LogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
