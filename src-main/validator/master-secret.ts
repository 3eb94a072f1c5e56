/**
 * The validator's master secret, from which every round's hidden-task secret is derived
 * (shared/protocol/hidden-tasks.ts). It is made once, kept in the data folder readable by the
 * owner only, and survives restarts, so a validator restarted mid-round judges on the same tasks.
 * A round's secret is published once the round is over; the master secret never is.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function loadMasterSecret(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'validator', 'round-master.key');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text))
      throw new Error(`${file} is not a 32-byte hex secret; move it aside to make a new one`);
    return Uint8Array.from(Buffer.from(text, 'hex'));
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${secret.toString('hex')}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return Uint8Array.from(secret);
}
