/**
 * Downloads the official CIFAR-10 binary tarball into the app's cache, for machines that have no
 * copy of the files (a user's desktop, a fresh validator).
 *
 * Everything happens in a private temp folder next to the destination (same filesystem, so the final
 * rename is atomic): stream the tarball to disk, extract cifar-10-batches-bin/ from it, check every
 * .bin file's MD5, then rename the folder into place. Any failure — HTTP status, network error,
 * truncated body or gzip, wrong checksum, full disk, abort — removes the temp folder, leaves an
 * existing cache as it was, and throws a DatasetDownloadError whose message says what went wrong.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import * as tar from 'tar';

import { CIFAR10_MD5, CIFAR_FOLDER_NAME } from './cifar10';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';

export interface DownloadProgress {
  readonly phase: 'download' | 'extract' | 'verify';
  /** download: bytes received; extract: archive bytes unpacked; verify: file bytes checksummed. */
  readonly receivedBytes: number;
  /** The phase's total, when known (download: Content-Length, absent for chunked responses). */
  readonly totalBytes: number | null;
}

export type DownloadErrorCode =
  'HTTP' | 'NETWORK' | 'TRUNCATED' | 'EXTRACT' | 'CHECKSUM' | 'DISK' | 'ABORTED' | 'OTHER';

export class DatasetDownloadError extends Error {
  constructor(
    message: string,
    readonly code: DownloadErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    // AbortError is the name callers conventionally test for after aborting a signal.
    this.name = code === 'ABORTED' ? 'AbortError' : 'DatasetDownloadError';
  }
}

export interface DownloadCifar10Options {
  /** The final folder, normally <dataDir>/datasets/cifar-10-batches-bin. */
  dest: string;
  url?: string;
  /** File name → expected MD5 (hex). Every .bin file in the archive must be listed and match. */
  md5?: Readonly<Record<string, string>>;
  onProgress?: (p: DownloadProgress) => void;
  /** Minimum milliseconds between progress reports within a phase; default 200. */
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

/** Temp folders of runs that died (crash, power loss) older than this are swept on the next run. */
const STALE_TEMP_MS = 24 * 3600 * 1000;

/**
 * Reports progress at most once per interval, but always the first and last report of each phase,
 * so a UI sees every phase start and reach 100 %.
 */
class ProgressThrottle {
  private last = -Infinity;
  private lastPhase: DownloadProgress['phase'] | null = null;
  constructor(
    private readonly cb: ((p: DownloadProgress) => void) | undefined,
    private readonly intervalMs: number,
  ) {}

  report(p: DownloadProgress, force = false): void {
    if (!this.cb) return;
    const now = Date.now();
    if (!force && p.phase === this.lastPhase && now - this.last < this.intervalMs) return;
    this.last = now;
    this.lastPhase = p.phase;
    this.cb(p);
  }
}

function errorCode(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici wraps the socket error ("other side closed", ECONNREFUSED…) in a terse TypeError.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function isDiskError(err: unknown): boolean {
  const c = errorCode(err);
  return (
    c === 'ENOSPC' ||
    c === 'EDQUOT' ||
    c === 'EROFS' ||
    c === 'EACCES' ||
    c === 'EPERM' ||
    c === 'EIO'
  );
}

function diskError(err: unknown, what: string): DatasetDownloadError {
  const c = errorCode(err);
  const why = c === 'ENOSPC' || c === 'EDQUOT' ? 'no space left on device' : describe(err);
  return new DatasetDownloadError(
    `CIFAR-10 download failed while ${what}: ${why}${c ? ` (${c})` : ''}`,
    'DISK',
    { cause: err },
  );
}

function abortError(signal: AbortSignal | undefined): DatasetDownloadError {
  return new DatasetDownloadError('CIFAR-10 download aborted', 'ABORTED', {
    cause: signal?.reason,
  });
}

/** Counts bytes flowing through, for extract progress. */
function byteCounter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

/** Removes leftovers of earlier runs that died before their cleanup; never touches a live one. */
async function sweepStaleTemps(parent: string, prefix: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const full = path.join(parent, name);
    const st = await stat(full).catch(() => null);
    if (st && now - st.mtimeMs > STALE_TEMP_MS)
      await rm(full, { recursive: true, force: true }).catch(() => {});
  }
}

/** Streams the response body to `file`, returning the byte count. */
async function fetchToFile(
  url: string,
  file: string,
  signal: AbortSignal | undefined,
  progress: ProgressThrottle,
): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw new DatasetDownloadError(
      `CIFAR-10 download failed: network error fetching ${url}: ${describe(err)}`,
      'NETWORK',
      { cause: err },
    );
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw new DatasetDownloadError(
      `CIFAR-10 download failed: HTTP ${res.status} ${res.statusText} from ${url}`,
      'HTTP',
    );
  }
  // With a Content-Encoding, fetch decodes the body and Content-Length no longer counts what we get.
  const lengthHeader = res.headers.get('content-length');
  const totalBytes =
    lengthHeader !== null && !res.headers.get('content-encoding') && /^\d+$/.test(lengthHeader)
      ? Number(lengthHeader)
      : null;

  let received = 0;
  progress.report({ phase: 'download', receivedBytes: 0, totalBytes }, true);
  const fh = await open(file, 'wx').catch((err: unknown) => {
    throw diskError(err, `creating ${file}`);
  });
  try {
    const reader = res.body.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal?.aborted) throw abortError(signal);
        if (totalBytes !== null && received < totalBytes) {
          throw new DatasetDownloadError(
            `CIFAR-10 download truncated: the connection closed after ${received} of ${totalBytes} bytes (${describe(err)})`,
            'TRUNCATED',
            { cause: err },
          );
        }
        throw new DatasetDownloadError(
          `CIFAR-10 download failed: network error after ${received} bytes: ${describe(err)}`,
          'NETWORK',
          { cause: err },
        );
      }
      if (chunk.done) break;
      try {
        await fh.write(chunk.value);
      } catch (err) {
        await reader.cancel().catch(() => {});
        throw diskError(err, `writing ${file}`);
      }
      received += chunk.value.length;
      progress.report({ phase: 'download', receivedBytes: received, totalBytes });
    }
    await fh.sync().catch((err: unknown) => {
      throw diskError(err, `writing ${file}`);
    });
  } finally {
    await fh.close().catch(() => {});
  }
  if (totalBytes !== null && received !== totalBytes) {
    throw new DatasetDownloadError(
      `CIFAR-10 download truncated: received ${received} of ${totalBytes} bytes`,
      'TRUNCATED',
    );
  }
  progress.report(
    { phase: 'download', receivedBytes: received, totalBytes: totalBytes ?? received },
    true,
  );
  return received;
}

/** Unpacks only cifar-10-batches-bin/… from the tarball into `into`. */
async function extract(
  tarball: string,
  archiveBytes: number,
  into: string,
  signal: AbortSignal | undefined,
  progress: ProgressThrottle,
): Promise<void> {
  let done = 0;
  progress.report({ phase: 'extract', receivedBytes: 0, totalBytes: archiveBytes }, true);
  const inFolder = (p: string): boolean => {
    const rel = p.replace(/^\.\//, '');
    return (
      rel === CIFAR_FOLDER_NAME ||
      rel === `${CIFAR_FOLDER_NAME}/` ||
      rel.startsWith(`${CIFAR_FOLDER_NAME}/`)
    );
  };
  try {
    await pipeline(
      createReadStream(tarball),
      byteCounter((n) => {
        done += n;
        progress.report({ phase: 'extract', receivedBytes: done, totalBytes: archiveBytes });
      }),
      // strict: a truncated gzip or tar stream is an error, not a warning and a half-written file.
      tar.x({ cwd: into, strict: true, filter: inFolder }),
      { signal },
    );
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    if (isDiskError(err)) throw diskError(err, 'extracting the archive');
    throw new DatasetDownloadError(
      `CIFAR-10 archive is damaged or truncated: ${describe(err)}`,
      'EXTRACT',
      { cause: err },
    );
  }
  progress.report(
    { phase: 'extract', receivedBytes: archiveBytes, totalBytes: archiveBytes },
    true,
  );
}

async function md5File(
  file: string,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    if (signal?.aborted) throw abortError(signal);
    hash.update(chunk as Buffer);
    onBytes((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

/** Checks that the extracted folder holds exactly the .bin files of the table, each with its MD5. */
async function verify(
  folder: string,
  md5: Readonly<Record<string, string>>,
  signal: AbortSignal | undefined,
  progress: ProgressThrottle,
): Promise<void> {
  const present = new Set(
    (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.bin')),
  );
  for (const name of Object.keys(md5)) {
    if (!present.has(name)) {
      throw new DatasetDownloadError(
        `CIFAR-10 archive lacks ${CIFAR_FOLDER_NAME}/${name}`,
        'CHECKSUM',
      );
    }
  }
  for (const name of present) {
    if (md5[name] === undefined)
      throw new DatasetDownloadError(`CIFAR-10 archive holds unexpected file ${name}`, 'CHECKSUM');
  }
  const names = Object.keys(md5).sort();
  let total = 0;
  for (const name of names) total += (await stat(path.join(folder, name))).size;
  let done = 0;
  progress.report({ phase: 'verify', receivedBytes: 0, totalBytes: total }, true);
  for (const name of names) {
    const expected = md5[name]!.toLowerCase();
    const got = await md5File(path.join(folder, name), signal, (n) => {
      done += n;
      progress.report({ phase: 'verify', receivedBytes: done, totalBytes: total });
    });
    if (got !== expected)
      throw new DatasetDownloadError(
        `${name}: MD5 mismatch, expected ${expected}, got ${got}`,
        'CHECKSUM',
      );
  }
  progress.report({ phase: 'verify', receivedBytes: total, totalBytes: total }, true);
}

/**
 * Moves the verified folder to `dest`. rename() is atomic, so readers see either no folder or a
 * complete one. An existing `dest` (a damaged cache, or a parallel download that finished first)
 * is moved aside first and deleted after; if the second rename fails it is moved back.
 */
async function moveIntoPlace(folder: string, dest: string, tmp: string): Promise<void> {
  const aside = path.join(tmp, 'previous');
  const hadOld = await stat(dest).then(
    () => true,
    () => false,
  );
  try {
    if (hadOld) await rename(dest, aside);
    try {
      await rename(folder, dest);
    } catch (err) {
      if (hadOld) await rename(aside, dest).catch(() => {});
      throw err;
    }
  } catch (err) {
    throw diskError(err, `moving the files to ${dest}`);
  }
}

/**
 * Downloads, extracts and verifies CIFAR-10 into `dest`; resolves to `dest`. See the file comment
 * for the failure guarantees.
 */
export async function downloadCifar10(opts: DownloadCifar10Options): Promise<string> {
  const { dest, signal } = opts;
  const url = opts.url ?? CIFAR10_URL;
  const md5 = opts.md5 ?? CIFAR10_MD5;
  const progress = new ProgressThrottle(opts.onProgress, opts.progressIntervalMs ?? 200);
  if (signal?.aborted) throw abortError(signal);

  const parent = path.dirname(path.resolve(dest));
  const prefix = `.${path.basename(dest)}.download-`;
  try {
    await mkdir(parent, { recursive: true });
  } catch (err) {
    throw diskError(err, `creating ${parent}`);
  }
  await sweepStaleTemps(parent, prefix);
  let tmp: string;
  try {
    tmp = await mkdtemp(path.join(parent, prefix));
  } catch (err) {
    throw diskError(err, `creating a temp folder in ${parent}`);
  }
  try {
    const tarball = path.join(tmp, 'cifar-10-binary.tar.gz');
    const archiveBytes = await fetchToFile(url, tarball, signal, progress);
    if (signal?.aborted) throw abortError(signal);
    const unpacked = path.join(tmp, 'unpacked');
    await mkdir(unpacked);
    await extract(tarball, archiveBytes, unpacked, signal, progress);
    // The archive is no longer needed: free its 170 MB before the folder lands in the cache.
    await rm(tarball, { force: true });
    const folder = path.join(unpacked, CIFAR_FOLDER_NAME);
    await verify(folder, md5, signal, progress);
    if (signal?.aborted) throw abortError(signal);
    await moveIntoPlace(folder, dest, tmp);
    return dest;
  } catch (err) {
    if (err instanceof DatasetDownloadError) throw err;
    if (signal?.aborted) throw abortError(signal);
    if (isDiskError(err)) throw diskError(err, 'preparing the cache');
    throw new DatasetDownloadError(`CIFAR-10 download failed: ${describe(err)}`, 'OTHER', {
      cause: err,
    });
  } finally {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}
