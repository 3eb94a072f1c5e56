/** Progress lines for long CLI steps, written to stderr so stdout stays machine-readable. */
import type { DownloadProgress } from '../dataset/download';

const MB = 1024 * 1024;

export function formatDownloadProgress(p: DownloadProgress): string {
  const done = `${(p.receivedBytes / MB).toFixed(1)} MB`;
  if (p.totalBytes === null || p.totalBytes === 0) return `CIFAR-10 ${p.phase}: ${done}`;
  const percent = Math.min(100, Math.floor((100 * p.receivedBytes) / p.totalBytes));
  return `CIFAR-10 ${p.phase}: ${percent}% (${done} of ${(p.totalBytes / MB).toFixed(1)} MB)`;
}
