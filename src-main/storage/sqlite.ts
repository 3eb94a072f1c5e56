/**
 * Opening a node's SQLite file, the one way every store does it (the validator's, the pool's):
 * WAL mode, a busy timeout, an integrity check before anything is written, and numbered
 * migrations. A file that is not a usable database is reported and left where it is: it may hold
 * the only copy of what the operator wants back.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../log/logger';

/** Migration i takes user_version i to i + 1. Append, never edit. */
export type Migration = (db: Database.Database) => void;

function migrate(
  db: Database.Database,
  file: string,
  migrations: readonly Migration[],
  what: string,
  log: Logger,
): void {
  db.transaction(() => {
    const from = db.pragma('user_version', { simple: true }) as number;
    if (from > migrations.length) {
      throw new Error(
        `${file} has schema version ${from}, newer than this build knows (${migrations.length}): ` +
          'run a newer sota-miner or point it at another file',
      );
    }
    for (let v = from; v < migrations.length; v++) {
      migrations[v]!(db);
      // PRAGMA takes no bound parameters; v is a loop integer.
      db.pragma(`user_version = ${v + 1}`);
    }
    if (from < migrations.length) {
      log.info(`${what} schema migrated`, { file, from, to: migrations.length });
    }
  }).immediate();
}

/** Opens (creating if needed) and migrates `file`; `what` names the store in messages. */
export function openSqlite(
  file: string,
  migrations: readonly Migration[],
  what: string,
  log: Logger,
): Database.Database {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    // busy_timeout first: a second process (the dashboard, a backup) may hold a lock briefly.
    db.pragma('busy_timeout = 5000');
    // The first real read: a file that is not a database fails here, before anything is written.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') log.warn(`${what} is not in WAL mode`, { file, mode });
    // NORMAL in WAL mode: commits survive a process crash; fsync only at checkpoints.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A damaged page should stop the node now, not halfway through its work.
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
    migrate(db, file, migrations, what, log);
    return db;
  } catch (err) {
    try {
      db?.close();
    } catch {
      // Closing a connection that failed to open can fail too; the first error is the one to report.
    }
    const reason = err instanceof Error ? err.message : String(err);
    if (reason.includes(file)) throw err;
    throw new Error(`cannot open the ${what} ${file}: ${reason}`, { cause: err });
  }
}
