/**
 * The node's logger: one line per event, JSON or human text, written to a sink (stderr by default,
 * so stdout stays machine-readable for `--json` commands). Every field and message passes through
 * redact() first; nothing reaches the sink unscrubbed.
 *
 * Small on purpose (no pino): the node logs a few events per second at most, and owning the one
 * choke point makes the redaction guarantee easy to test.
 */
import { redact, redactText } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface LogRecord {
  readonly time: string;
  readonly level: LogLevel;
  readonly scope: string;
  readonly msg: string;
  readonly fields: LogFields;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry `scope` (e.g. "chain", "wallet") and the extra fields. */
  child(scope: string, fields?: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'json' | 'text';
  /** Receives each finished line (no trailing newline). Default: process.stderr. */
  write?: (line: string) => void;
}

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  return value && value in RANK ? (value as LogLevel) : fallback;
}

function formatLine(record: LogRecord, format: 'json' | 'text'): string {
  if (format === 'json') {
    return JSON.stringify({
      time: record.time,
      level: record.level,
      scope: record.scope,
      msg: record.msg,
      ...record.fields,
    });
  }
  const extra = Object.keys(record.fields).length ? ` ${JSON.stringify(record.fields)}` : '';
  return `${record.time} ${record.level.toUpperCase().padEnd(5)} [${record.scope}] ${record.msg}${extra}`;
}

export function createLogger(
  options: LoggerOptions = {},
  scope = 'node',
  base: LogFields = {},
): Logger {
  const level = options.level ?? parseLogLevel(process.env['SOTA_LOG_LEVEL']);
  const format = options.format ?? (process.env['SOTA_LOG_FORMAT'] === 'json' ? 'json' : 'text');
  const write = options.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[lvl] < RANK[level]) return;
    const record: LogRecord = {
      time: new Date().toISOString(),
      level: lvl,
      scope,
      msg: redactText(msg),
      fields: redact({ ...base, ...fields }) as LogFields,
    };
    try {
      write(formatLine(record, format));
    } catch {
      // A closed or full log sink must never take the node down.
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (childScope, fields) =>
      createLogger({ level, format, write }, childScope, { ...base, ...fields }),
  };
}

/** A logger that drops everything (library defaults; tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
