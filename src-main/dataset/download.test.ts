import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Rng } from '../../shared/random/rng';
import { CIFAR_FILES } from './cifar10';
import { DatasetDownloadError, downloadCifar10, type DownloadProgress } from './download';
import { ensureCifar10 } from './locate';

/**
 * A synthetic "official" tarball: the six .bin names with 150 small random records each (random, so
 * gzip cannot shrink it and the body arrives in many chunks), batches.meta.txt and readme.html,
 * all under cifar-10-batches-bin/ as in the real archive; plus a stray top-level file that must
 * not be extracted.
 */
let tmp = '';
let archive: Buffer;
let md5: Record<string, string>;
let contents: Record<string, Buffer>;
let server: http.Server;
let base = '';

const RECORDS = 150;

function md5Hex(b: Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cifar10-download-'));
  const src = path.join(tmp, 'src');
  const folder = path.join(src, 'cifar-10-batches-bin');
  await mkdir(folder, { recursive: true });
  const rng = new Rng(2024);
  md5 = {};
  contents = {};
  for (const f of CIFAR_FILES) {
    const b = Buffer.alloc(RECORDS * 3073);
    for (let i = 0; i < b.length; i++) b[i] = rng.nextU32() & 255;
    for (let r = 0; r < RECORDS; r++) b[r * 3073] = r % 10;
    await writeFile(path.join(folder, f), b);
    md5[f] = md5Hex(b);
    contents[f] = b;
  }
  await writeFile(path.join(folder, 'batches.meta.txt'), 'airplane\nautomobile\n');
  await writeFile(path.join(folder, 'readme.html'), '<p>synthetic</p>');
  await writeFile(path.join(src, 'stray.txt'), 'not part of the dataset');
  const tgz = path.join(tmp, 'cifar.tgz');
  // portable + fixed mtime: the archive bytes do not depend on the machine or the clock.
  await tar.c({ gzip: true, file: tgz, cwd: src, portable: true, mtime: new Date(0) }, [
    'cifar-10-batches-bin',
    'stray.txt',
  ]);
  archive = await readFile(tgz);

  server = http.createServer((req, res) => {
    const half = archive.subarray(0, Math.floor(archive.length / 2));
    switch (req.url) {
      case '/ok.tgz':
        res.writeHead(200, {
          'content-type': 'application/x-gzip',
          'content-length': archive.length,
        });
        res.end(archive);
        return;
      case '/chunked.tgz': // no Content-Length: total unknown while downloading
        res.writeHead(200, { 'content-type': 'application/x-gzip' });
        res.end(archive);
        return;
      case '/cut.tgz': // promises the whole archive, sends half, drops the connection
        res.writeHead(200, { 'content-length': archive.length });
        res.write(half, () => res.socket?.destroy());
        return;
      case '/cut-gzip.tgz': // a clean response whose body is half a gzip stream
        res.writeHead(200, {});
        res.end(half);
        return;
      case '/stall.tgz': // sends a first part, then nothing until the client gives up
        res.writeHead(200, { 'content-length': archive.length });
        res.write(archive.subarray(0, 64 * 1024));
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

let caseNo = 0;
/** A fresh cache parent for one test; dest is <parent>/cifar-10-batches-bin. */
async function freshDest(): Promise<{ parent: string; dest: string }> {
  const parent = path.join(tmp, `cache-${++caseNo}`, 'datasets');
  await mkdir(parent, { recursive: true });
  return { parent, dest: path.join(parent, 'cifar-10-batches-bin') };
}

/** An existing cache folder with a marker, to prove failures leave it alone. */
async function existingCache(dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  await writeFile(path.join(dest, 'marker.txt'), 'old cache');
}

async function expectFailure(
  p: Promise<unknown>,
  code: string,
  message: RegExp,
): Promise<DatasetDownloadError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetDownloadError);
  const e = err as DatasetDownloadError;
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
  return e;
}

describe('downloadCifar10', () => {
  it('downloads, extracts, verifies and moves the folder into place, reporting progress', async () => {
    const { parent, dest } = await freshDest();
    const events: DownloadProgress[] = [];
    const out = await downloadCifar10({
      dest,
      url: `${base}/ok.tgz`,
      md5,
      onProgress: (p) => events.push(p),
      progressIntervalMs: 0,
    });
    expect(out).toBe(dest);
    for (const f of CIFAR_FILES)
      expect((await readFile(path.join(dest, f))).equals(contents[f]!)).toBe(true);
    expect(await readFile(path.join(dest, 'batches.meta.txt'), 'utf8')).toBe(
      'airplane\nautomobile\n',
    );
    // Only the dataset folder lands in the cache: no temp folder, no stray archive member.
    expect(await readdir(parent)).toEqual(['cifar-10-batches-bin']);

    const phases = events.map((e) => e.phase).filter((p, i, a) => i === 0 || a[i - 1] !== p);
    expect(phases).toEqual(['download', 'extract', 'verify']);
    for (const phase of ['download', 'extract', 'verify'] as const) {
      const ev = events.filter((e) => e.phase === phase);
      expect(ev[0]!.receivedBytes).toBe(0);
      for (let i = 1; i < ev.length; i++)
        expect(ev[i]!.receivedBytes).toBeGreaterThanOrEqual(ev[i - 1]!.receivedBytes);
      expect(ev.at(-1)!.receivedBytes).toBe(ev.at(-1)!.totalBytes);
    }
    const dl = events.filter((e) => e.phase === 'download');
    expect(dl.every((e) => e.totalBytes === archive.length)).toBe(true);
    expect(dl.length).toBeGreaterThan(2); // several chunks, so the bar moves
    expect(events.filter((e) => e.phase === 'verify').at(-1)!.totalBytes).toBe(6 * RECORDS * 3073);
  });

  it('handles a response without Content-Length and replaces a damaged cache', async () => {
    const { parent, dest } = await freshDest();
    await existingCache(dest);
    const events: DownloadProgress[] = [];
    await downloadCifar10({
      dest,
      url: `${base}/chunked.tgz`,
      md5,
      onProgress: (p) => events.push(p),
      progressIntervalMs: 0,
    });
    const dl = events.filter((e) => e.phase === 'download');
    expect(dl.slice(0, -1).every((e) => e.totalBytes === null)).toBe(true);
    expect(dl.at(-1)).toEqual({
      phase: 'download',
      receivedBytes: archive.length,
      totalBytes: archive.length,
    });
    expect((await readdir(dest)).sort()).toEqual(
      [...CIFAR_FILES, 'batches.meta.txt', 'readme.html'].sort(),
    );
    expect(await readdir(parent)).toEqual(['cifar-10-batches-bin']);
  });

  it('throttles progress reports but keeps the first and last of each phase', async () => {
    const { dest } = await freshDest();
    const events: DownloadProgress[] = [];
    await downloadCifar10({
      dest,
      url: `${base}/ok.tgz`,
      md5,
      onProgress: (p) => events.push(p),
      progressIntervalMs: 60_000,
    });
    expect(events.map((e) => [e.phase, e.receivedBytes === 0 ? 'start' : 'end'])).toEqual([
      ['download', 'start'],
      ['download', 'end'],
      ['extract', 'start'],
      ['extract', 'end'],
      ['verify', 'start'],
      ['verify', 'end'],
    ]);
  });

  it('fails on HTTP 404, leaving nothing behind', async () => {
    const { parent, dest } = await freshDest();
    await expectFailure(
      downloadCifar10({ dest, url: `${base}/missing.tgz`, md5 }),
      'HTTP',
      /HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/missing\.tgz/,
    );
    expect(await readdir(parent)).toEqual([]);
  });

  it('fails on a wrong checksum, naming the file and both sums, and keeps the old cache', async () => {
    const { parent, dest } = await freshDest();
    await existingCache(dest);
    const wrong = { ...md5, 'data_batch_3.bin': '0'.repeat(32) };
    await expectFailure(
      downloadCifar10({ dest, url: `${base}/ok.tgz`, md5: wrong }),
      'CHECKSUM',
      new RegExp(
        `^data_batch_3\\.bin: MD5 mismatch, expected 0{32}, got ${md5['data_batch_3.bin']}$`,
      ),
    );
    expect(await readdir(parent)).toEqual(['cifar-10-batches-bin']);
    expect(await readFile(path.join(dest, 'marker.txt'), 'utf8')).toBe('old cache');
  });

  it('fails when the archive lacks a listed file', async () => {
    const { dest } = await freshDest();
    await expectFailure(
      downloadCifar10({
        dest,
        url: `${base}/ok.tgz`,
        md5: { ...md5, 'data_batch_6.bin': '0'.repeat(32) },
      }),
      'CHECKSUM',
      /lacks cifar-10-batches-bin\/data_batch_6\.bin/,
    );
  });

  it('fails on a body cut short of its Content-Length', async () => {
    const { parent, dest } = await freshDest();
    await existingCache(dest);
    await expectFailure(
      downloadCifar10({ dest, url: `${base}/cut.tgz`, md5 }),
      'TRUNCATED',
      /truncated: .*of \d+ bytes/,
    );
    expect(await readdir(parent)).toEqual(['cifar-10-batches-bin']);
    expect(await readFile(path.join(dest, 'marker.txt'), 'utf8')).toBe('old cache');
  });

  it('fails on a truncated gzip stream', async () => {
    const { parent, dest } = await freshDest();
    await expectFailure(
      downloadCifar10({ dest, url: `${base}/cut-gzip.tgz`, md5 }),
      'EXTRACT',
      /archive is damaged or truncated/,
    );
    expect(await readdir(parent)).toEqual([]);
  });

  it('fails with a network error when nothing listens', async () => {
    const { dest } = await freshDest();
    // A port that was just free: bind, read it, close.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expectFailure(
      downloadCifar10({ dest, url: `http://127.0.0.1:${port}/x.tgz`, md5 }),
      'NETWORK',
      /network error/,
    );
  });

  it('stops on abort and cleans up', async () => {
    const { parent, dest } = await freshDest();
    await existingCache(dest);
    const ac = new AbortController();
    const err = await expectFailure(
      downloadCifar10({
        dest,
        url: `${base}/stall.tgz`,
        md5,
        signal: ac.signal,
        progressIntervalMs: 0,
        // Abort once bytes are flowing, so the abort lands mid-body, not before the request.
        onProgress: (p) => {
          if (p.receivedBytes > 0) ac.abort();
        },
      }),
      'ABORTED',
      /aborted/,
    );
    expect(err.name).toBe('AbortError');
    expect(await readdir(parent)).toEqual(['cifar-10-batches-bin']);
    expect(await readFile(path.join(dest, 'marker.txt'), 'utf8')).toBe('old cache');
    // An already-aborted signal fails at once.
    await expectFailure(
      downloadCifar10({ dest, url: `${base}/ok.tgz`, md5, signal: AbortSignal.abort() }),
      'ABORTED',
      /aborted/,
    );
  });
});

describe('ensureCifar10', () => {
  it('downloads into the cache folder when no copy exists', async () => {
    const root = path.join(tmp, 'ensure');
    const project = path.join(root, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(path.join(project, 'package.json'), '{}');
    const dataDir = path.join(root, 'data');
    const dir = await ensureCifar10({
      env: {},
      dataDir,
      projectRoot: project,
      url: `${base}/ok.tgz`,
      md5,
    });
    expect(dir).toBe(path.join(dataDir, 'datasets', 'cifar-10-batches-bin'));
    expect(
      (await readFile(path.join(dir, 'test_batch.bin'))).equals(contents['test_batch.bin']!),
    ).toBe(true);
  });
});
