/**
 * Reader for the official CIFAR-10 "binary version" (Krizhevsky 2009): six files of 10,000 records,
 * each record 1 label byte (0-9) then 3072 pixel bytes (1024 R, 1024 G, 1024 B, each plane 32×32
 * row-major). We keep the pixels in the files' CHW order; shared/task/projected.ts converts to the
 * HWC order AutoML-Zero's tasks use, once per image, while it projects.
 *
 * Loading is one readFile per file and one memcpy per record into a single preallocated array,
 * which is about as fast as the disk allows (~180 MB).
 */

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { CIFAR_IMAGE_BYTES, type ImageSet } from '../../shared/task/projected';

export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES; // 3073
export const CIFAR_RECORDS_PER_FILE = 10_000;
export const CIFAR_TRAIN_FILES: readonly string[] = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
];
export const CIFAR_TEST_FILE = 'test_batch.bin';
export const CIFAR_FILES: readonly string[] = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE];
/** Name of the folder the official tarball unpacks to; also our cache folder's name. */
export const CIFAR_FOLDER_NAME = 'cifar-10-batches-bin';

/** The published MD5s of the official files (the ones in ../shared/datasets/…/MD5SUMS). */
export const CIFAR10_MD5: Readonly<Record<string, string>> = Object.freeze({
  'data_batch_1.bin': '5dd7e06a14cb22eb9f671a540d1b7c25',
  'data_batch_2.bin': '5ea93a67294ea407fff1d09f752e9692',
  'data_batch_3.bin': '942cd6a4bcdd0dd3c604fbe906cb4421',
  'data_batch_4.bin': 'ae636b3ba5c66a11e91e8cb52e771fcb',
  'data_batch_5.bin': '53f37980c15c3d472c316c40844f3f0d',
  'test_batch.bin': '803d5f7f4d78ea53de84dbe85f74fb6d',
});

export interface CifarBatch extends ImageSet {
  readonly count: number;
}

export interface Cifar10 {
  /** The 50,000 training images, data_batch_1..5 in order. */
  readonly train: ImageSet;
  /** The 10,000 test images. */
  readonly test: ImageSet;
}

/** A CIFAR-10 file or folder that is missing, damaged or not the official data. */
export class CifarDataError extends Error {
  override readonly name = 'CifarDataError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

/**
 * Checks the record layout of `bytes` and copies labels and pixels into `labels` / `pixels` starting
 * at record `at`. Labels are checked before anything is trusted, so a wrong file fails loudly.
 */
function parseInto(
  bytes: Uint8Array,
  fileName: string,
  labels: Uint8Array,
  pixels: Uint8Array,
  at: number,
  expectedRecords: number | undefined,
): number {
  if (bytes.length % CIFAR_RECORD_BYTES !== 0) {
    throw new CifarDataError(
      `${fileName}: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records (truncated or not a CIFAR-10 binary file)`,
      fileName,
    );
  }
  const count = bytes.length / CIFAR_RECORD_BYTES;
  if (expectedRecords !== undefined && count !== expectedRecords) {
    throw new CifarDataError(
      `${fileName}: holds ${count} records, expected ${expectedRecords} (truncated or not an official CIFAR-10 file)`,
      fileName,
    );
  }
  for (let i = 0, off = 0; i < count; i++, off += CIFAR_RECORD_BYTES) {
    const label = bytes[off]!;
    if (label > 9) {
      throw new CifarDataError(
        `${fileName}: record ${i} (byte offset ${off}) has label ${label}, expected 0..9`,
        fileName,
      );
    }
    labels[at + i] = label;
  }
  // One memcpy per record: the 1-byte label between images rules out a single bulk copy.
  for (let i = 0, off = 1; i < count; i++, off += CIFAR_RECORD_BYTES) {
    pixels.set(bytes.subarray(off, off + CIFAR_IMAGE_BYTES), (at + i) * CIFAR_IMAGE_BYTES);
  }
  return count;
}

/**
 * Parses one batch file's bytes. `fileName` only labels errors. Pass `expectedRecords` (10,000 for
 * the official files) to reject a file that is a whole number of records but still short.
 */
export function parseCifarBatch(
  bytes: Uint8Array,
  fileName: string,
  opts: { expectedRecords?: number } = {},
): CifarBatch {
  const count = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  parseInto(bytes, fileName, labels, pixels, 0, opts.expectedRecords);
  return { count, labels, pixels };
}

export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Throws a CifarDataError naming the folder if it or any of the six files is missing. */
export async function checkCifarFolder(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (!st || !st.isDirectory()) {
    throw new CifarDataError(
      `CIFAR-10 folder not found: ${dir} (expected the official binary version, ${CIFAR_FOLDER_NAME})`,
      dir,
    );
  }
  for (const f of CIFAR_FILES) {
    const fst = await stat(path.join(dir, f)).catch(() => null);
    if (!fst || !fst.isFile())
      throw new CifarDataError(`CIFAR-10 file ${f} is missing from ${dir}`, path.join(dir, f));
  }
}

async function readInto(
  dir: string,
  fileName: string,
  labels: Uint8Array,
  pixels: Uint8Array,
  at: number,
  verify: boolean,
): Promise<void> {
  const bytes = await readFile(path.join(dir, fileName));
  // Checksum the bytes already in memory rather than reading the file twice.
  if (verify) {
    const expected = CIFAR10_MD5[fileName];
    const got = md5Hex(bytes);
    if (expected !== undefined && got !== expected) {
      throw new CifarDataError(
        `${fileName}: MD5 mismatch in ${dir}, expected ${expected}, got ${got}`,
        path.join(dir, fileName),
      );
    }
  }
  parseInto(bytes, fileName, labels, pixels, at, CIFAR_RECORDS_PER_FILE);
}

/**
 * Loads the whole dataset from a folder holding the six official files. With `verify`, each file's
 * MD5 is checked against the published one (about 0.5 s extra for 180 MB).
 */
export async function loadCifar10(dir: string, opts: { verify?: boolean } = {}): Promise<Cifar10> {
  await checkCifarFolder(dir);
  const verify = opts.verify ?? false;
  const n = CIFAR_RECORDS_PER_FILE;
  const trainLabels = new Uint8Array(CIFAR_TRAIN_FILES.length * n);
  const trainPixels = new Uint8Array(CIFAR_TRAIN_FILES.length * n * CIFAR_IMAGE_BYTES);
  const testLabels = new Uint8Array(n);
  const testPixels = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  // One file at a time keeps peak memory at the result plus one 30 MB buffer.
  for (let b = 0; b < CIFAR_TRAIN_FILES.length; b++) {
    await readInto(dir, CIFAR_TRAIN_FILES[b]!, trainLabels, trainPixels, b * n, verify);
  }
  await readInto(dir, CIFAR_TEST_FILE, testLabels, testPixels, 0, verify);
  return {
    train: { labels: trainLabels, pixels: trainPixels },
    test: { labels: testLabels, pixels: testPixels },
  };
}
