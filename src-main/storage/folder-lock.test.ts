import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderInUseError, lockDataFolder } from './folder-lock';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('lockDataFolder', () => {
  const dirs: string[] = [];
  const folder = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'sota-lock-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('refuses a second holder until the first lets go', () => {
    const dir = folder();
    const first = lockDataFolder(dir, 'validator');
    expect(() => lockDataFolder(dir, 'validator')).toThrow(FolderInUseError);
    expect(() => lockDataFolder(dir, 'validator')).toThrow(
      `another validator is already running on the data folder ${dir}`,
    );
    first.release();
    first.release();
    lockDataFolder(dir, 'validator').release();
  });

  it('holds against another process, and is free again once that process is killed', async () => {
    const dir = folder();
    // Another node: a real process that takes the lock and then waits to be killed.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import { lockDataFolder } from ${JSON.stringify(path.join(ROOT, 'src-main/storage/folder-lock.ts'))};
         lockDataFolder(${JSON.stringify(dir)}, 'pool');
         console.log('locked');
         setInterval(() => {}, 1000);`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        child.on('exit', (code) => reject(new Error(`lock holder exited (${code})`)));
      });
      expect(() => lockDataFolder(dir, 'pool')).toThrow(FolderInUseError);
    } finally {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    // Killed without a chance to clean up: the system dropped its lock.
    lockDataFolder(dir, 'pool').release();
  });
});
