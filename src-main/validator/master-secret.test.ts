import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMasterSecret } from './master-secret';

let dataDir: string;
let file: string;

beforeEach(() => {
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'sota-master-secret-')), 'data');
  file = path.join(dataDir, 'validator', 'round-master.key');
});

afterEach(() => {
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

const posix = process.platform !== 'win32';

describe('loadMasterSecret', () => {
  it('creates a 32-byte secret in <dataDir>/validator/round-master.key on first use', () => {
    expect(existsSync(dataDir)).toBe(false);
    const secret = loadMasterSecret(dataDir);
    expect(secret).toBeInstanceOf(Uint8Array);
    expect(secret.length).toBe(32);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${Buffer.from(secret).toString('hex')}\n`);
    // No temp file is left behind.
    expect(readdirSync(path.dirname(file))).toEqual(['round-master.key']);
  });

  it.skipIf(!posix)('keeps the file readable by the owner only', () => {
    loadMasterSecret(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o077).toBe(0);
  });

  it('returns the same secret on every later call', () => {
    const first = loadMasterSecret(dataDir);
    const before = readFileSync(file, 'utf8');
    const second = loadMasterSecret(dataDir);
    expect(Array.from(second)).toEqual(Array.from(first));
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('makes a different secret for a different data folder', () => {
    const a = loadMasterSecret(dataDir);
    const b = loadMasterSecret(path.join(dataDir, 'other'));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('reads an existing hex secret, with or without a trailing newline', () => {
    mkdirSync(path.dirname(file), { recursive: true });
    const hex = '0123456789abcdef'.repeat(4);
    writeFileSync(file, hex);
    expect(Buffer.from(loadMasterSecret(dataDir)).toString('hex')).toBe(hex);
    writeFileSync(file, `${hex}\n`);
    expect(Buffer.from(loadMasterSecret(dataDir)).toString('hex')).toBe(hex);
  });

  it('refuses a corrupt file, naming it, and leaves it untouched', () => {
    mkdirSync(path.dirname(file), { recursive: true });
    for (const corrupt of [
      '',
      'not a secret\n',
      'ab'.repeat(31), // 31 bytes
      'ab'.repeat(33), // 33 bytes
      'AB'.repeat(32), // upper case
      `${'ab'.repeat(16)} ${'ab'.repeat(16)}`,
    ]) {
      writeFileSync(file, corrupt);
      expect(() => loadMasterSecret(dataDir), JSON.stringify(corrupt)).toThrow(file);
      expect(() => loadMasterSecret(dataDir)).toThrow(/not a 32-byte hex secret/);
      expect(readFileSync(file, 'utf8')).toBe(corrupt);
    }
  });
});
