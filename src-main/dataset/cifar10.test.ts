import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CIFAR_FILES,
  CIFAR_RECORD_BYTES,
  CifarDataError,
  loadCifar10,
  parseCifarBatch,
  type Cifar10,
} from './cifar10';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';

let dir = '';
let data: Cifar10;
let tmp = '';

beforeAll(async () => {
  dir = await realCifar10Dir();
  // verify: true also proves the MD5 table matches the official files.
  data = await loadCifar10(dir, { verify: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cifar10-test-'));
}, REAL_DATA_TIMEOUT_MS);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A folder with links to the real files, except `replace`d ones written from the given bytes. */
async function folderWith(
  name: string,
  replace: Record<string, Uint8Array | null>,
): Promise<string> {
  const d = path.join(tmp, name);
  await mkdir(d);
  for (const f of CIFAR_FILES) {
    const r = replace[f];
    if (r === null) continue; // leave the file out
    if (r) await writeFile(path.join(d, f), r);
    else await symlink(path.join(dir, f), path.join(d, f));
  }
  return d;
}

function classCounts(labels: Uint8Array): number[] {
  const c = new Array<number>(10).fill(0);
  for (const l of labels) c[l]!++;
  return c;
}

describe('loadCifar10 on the real files', () => {
  it('holds 50,000 train and 10,000 test images, balanced', () => {
    expect(data.train.labels).toHaveLength(50_000);
    expect(data.train.pixels).toHaveLength(50_000 * 3072);
    expect(data.test.labels).toHaveLength(10_000);
    expect(data.test.pixels).toHaveLength(10_000 * 3072);
    expect(classCounts(data.train.labels)).toEqual(new Array(10).fill(5000));
    expect(classCounts(data.test.labels)).toEqual(new Array(10).fill(1000));
  });

  it('keeps file order and the CHW bytes of each record', async () => {
    const b3 = await readFile(path.join(dir, 'data_batch_3.bin'));
    const rec = 1234;
    const off = rec * CIFAR_RECORD_BYTES;
    const i = 20_000 + rec; // batch 3 starts at image 20,000
    expect(data.train.labels[i]).toBe(b3[off]);
    expect(
      Buffer.from(data.train.pixels.subarray(i * 3072, (i + 1) * 3072)).equals(
        b3.subarray(off + 1, off + 3073),
      ),
    ).toBe(true);
  });
});

describe('damaged files', () => {
  it('parseCifarBatch names the file when the size is not whole records', async () => {
    const bytes = (await readFile(path.join(dir, 'test_batch.bin'))).subarray(
      0,
      5 * CIFAR_RECORD_BYTES + 100,
    );
    expect(() => parseCifarBatch(bytes, 'test_batch.bin')).toThrow(
      /^test_batch\.bin: 15465 bytes is not a whole number of 3073-byte records/,
    );
    const whole = parseCifarBatch(bytes.subarray(0, 5 * CIFAR_RECORD_BYTES), 'x.bin');
    expect(whole.count).toBe(5);
    expect(() =>
      parseCifarBatch(bytes.subarray(0, 5 * CIFAR_RECORD_BYTES), 'x.bin', {
        expectedRecords: 10_000,
      }),
    ).toThrow(/x\.bin: holds 5 records, expected 10000/);
  });

  it('loadCifar10 rejects a truncated copy, naming the file', async () => {
    const full = await readFile(path.join(dir, 'data_batch_2.bin'));
    const d1 = await folderWith('trunc-partial', {
      'data_batch_2.bin': full.subarray(0, full.length - 1000),
    });
    await expect(loadCifar10(d1)).rejects.toThrow(
      /data_batch_2\.bin: 30729000 bytes is not a whole number/,
    );
    const d2 = await folderWith('trunc-whole', {
      'data_batch_2.bin': full.subarray(0, full.length - CIFAR_RECORD_BYTES),
    });
    await expect(loadCifar10(d2)).rejects.toThrow(
      /data_batch_2\.bin: holds 9999 records, expected 10000/,
    );
  });

  it('rejects a label byte of 12 with the record and file', async () => {
    const bytes = Buffer.from(await readFile(path.join(dir, 'test_batch.bin')));
    bytes[7 * CIFAR_RECORD_BYTES] = 12;
    expect(() => parseCifarBatch(bytes, 'test_batch.bin')).toThrow(
      /test_batch\.bin: record 7 \(byte offset 21511\) has label 12, expected 0\.\.9/,
    );
    const d = await folderWith('label12', { 'test_batch.bin': bytes });
    await expect(loadCifar10(d)).rejects.toThrow(CifarDataError);
  });

  it('verify catches a changed file by its MD5', async () => {
    const bytes = Buffer.from(await readFile(path.join(dir, 'data_batch_4.bin')));
    bytes[0] = (bytes[0]! + 1) % 10; // still a valid label, so only the checksum can tell
    const d = await folderWith('md5', { 'data_batch_4.bin': bytes });
    await expect(loadCifar10(d, { verify: true })).rejects.toThrow(
      /data_batch_4\.bin: MD5 mismatch .* expected ae636b3ba5c66a11e91e8cb52e771fcb, got [0-9a-f]{32}/,
    );
  });

  it('names the missing folder, and a missing file with its folder', async () => {
    const nowhere = path.join(tmp, 'no-such-folder');
    await expect(loadCifar10(nowhere)).rejects.toThrow(`CIFAR-10 folder not found: ${nowhere}`);
    const d = await folderWith('missing', { 'test_batch.bin': null });
    await expect(loadCifar10(d)).rejects.toThrow(
      `CIFAR-10 file test_batch.bin is missing from ${d}`,
    );
  });
});
