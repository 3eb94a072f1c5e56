import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLog } from './file-log';

describe('FileLog', () => {
  it('appends lines in order and keeps the file under its size, the older part as .1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sota-file-log-'));
    const file = path.join(dir, 'node.log');
    const log = new FileLog(file, 1000);
    for (let i = 0; i < 50; i++) {
      log.write(`{"n":${i},"msg":"${'x'.repeat(30)}"}`);
      if (i % 5 === 4) await log.close(); // lines written in one tick go in one append
    }
    await log.close();
    const current = (await readFile(file, 'utf8')).trim().split('\n');
    const older = (await readFile(`${file}.1`, 'utf8')).trim().split('\n');
    expect((await stat(file)).size).toBeLessThanOrEqual(1000);
    // The newest lines are in the file, in order, right after those of .1.
    const numbers = [...older, ...current].map((l) => (JSON.parse(l) as { n: number }).n);
    expect(numbers.at(-1)).toBe(49);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('loses the file, not the node, when the disk refuses', async () => {
    const log = new FileLog(path.join(tmpdir(), 'no-such-dir-sota', 'x', 'node.log'));
    log.write('{"msg":"one"}');
    await new Promise((r) => setTimeout(r, 50));
    expect(() => log.write('{"msg":"two"}')).not.toThrow();
    await log.close();
  });
});
