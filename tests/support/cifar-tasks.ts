/**
 * Helpers shared by this folder's tests (not used by the app).
 */

import { ensureCifar10 } from '../../src-main/dataset/locate';

/**
 * The real CIFAR-10 folder for tests: $SOTA_CIFAR10_DIR, ../shared/datasets/cifar-10-batches-bin or
 * the cache — and on a fresh machine the official download, so tests run there as they run here.
 */
export function realCifar10Dir(): Promise<string> {
  return ensureCifar10({
    onProgress: (p) => {
      if (p.receivedBytes === p.totalBytes) process.stderr.write(`CIFAR-10 ${p.phase}: done\n`);
    },
    progressIntervalMs: 5000,
  });
}

/** Time limit for a beforeAll that may have to download CIFAR-10 first. */
export const REAL_DATA_TIMEOUT_MS = 15 * 60 * 1000;
