/**
 * One node per data folder. A validator or a pool started twice on the same folder would have
 * two writers on its SQLite files, both answering peers and setting weights from diverging
 * books; the second start is refused instead, with a message naming the folder.
 *
 * The lock is an SQLite file held in exclusive locking mode: SQLite takes the operating system's
 * file lock (fcntl on Unix, LockFileEx on Windows) and keeps it until the connection closes. The
 * system drops it when the process dies, however it dies, so a crash never leaves a stale lock
 * for the operator to remove (as a PID file or a lock folder would).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export class FolderInUseError extends Error {
  constructor(
    readonly folder: string,
    what: string,
  ) {
    super(
      `another ${what} is already running on the data folder ${folder}: stop it first, or ` +
        'give this one a folder of its own (--data-dir)',
    );
    this.name = 'FolderInUseError';
  }
}

export interface FolderLock {
  readonly folder: string;
  /** Lets the next node in. Safe to call twice. */
  release(): void;
}

const LOCK_FILE = 'node.lock';

/** Takes `folder` for this process, or throws FolderInUseError when another node holds it. */
export function lockDataFolder(folder: string, what: string): FolderLock {
  mkdirSync(folder, { recursive: true });
  const db = new Database(path.join(folder, LOCK_FILE));
  try {
    // No waiting: a holder keeps the lock for as long as it runs.
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock, which exclusive mode then never gives back.
    db.exec('CREATE TABLE IF NOT EXISTS holder (at INTEGER NOT NULL)');
    db.prepare('INSERT INTO holder (at) VALUES (?)').run(Date.now());
    db.exec('DELETE FROM holder WHERE rowid < (SELECT MAX(rowid) FROM holder)');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new FolderInUseError(folder, what);
    throw err;
  }
  return {
    folder,
    release: () => {
      if (db.open) db.close();
    },
  };
}
