/**
 * Where a headless node's dashboard address (its access token included) goes: a file in the
 * node's data folder that only the node's user can read, never the log stream. A validator's or a
 * server's stdout is its log (journald, a log shipper, a CI artifact); anyone who reads it could
 * otherwise drive the node. The lines printed say only where the file is; on an interactive
 * terminal, where the person who started the node is looking, the address is shown once as well.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/** The file's name inside the node's data folder. */
export const DASHBOARD_URL_FILE = 'dashboard-url';

export interface PublishDashboardUrl {
  /** The node's data folder (created, mode 0700, if missing). */
  readonly dataDir: string;
  /** The address to open, token included. */
  readonly url: string;
  /** Whether `print` reaches a person at a terminal (e.g. `process.stdout.isTTY === true`). */
  readonly interactive: boolean;
  /** Where the node's operator reads its lines (stdout); never given the URL unless interactive. */
  readonly print: (line: string) => void;
}

/**
 * Writes `url` to `<dataDir>/dashboard-url` (mode 0600, replaced atomically: a reader sees the
 * old file or the new one, never half of one), prints where it is, and, on an interactive
 * terminal only, the address itself. Returns the file's path. Throws if the file cannot be
 * written: a node whose address cannot be reached should say so rather than run unreachable.
 *
 * On Windows the mode is not enforced; the data folder under %APPDATA% is the user's own.
 */
export function publishDashboardUrl(o: PublishDashboardUrl): string {
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(o.dataDir, DASHBOARD_URL_FILE);
  const tmp = path.join(o.dataDir, `.${DASHBOARD_URL_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': a new file of ours, never one planted at that name; 0600 from its first byte.
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, `${o.url}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o600); // whatever the umask did
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  o.print(`dashboard: open the URL in ${file} (readable only by you)`);
  if (o.interactive) o.print(`dashboard: ${o.url}`);
  return file;
}
