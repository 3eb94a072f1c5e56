/**
 * The service files under deploy/ as an operator installs them: systemd accepts each unit
 * without a warning (Debian's `systemd-analyze verify`), and every setting of the environment
 * examples is one the node reads, with a value it accepts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePoolConfig } from '../src-main/pool/config';
import { resolveValidatorConfig } from '../src-main/validator/config';

const ROOT = path.resolve(import.meta.dirname, '..');
const DEPLOY = path.join(ROOT, 'deploy');

function hasSystemdAnalyze(): boolean {
  return spawnSync('systemd-analyze', ['--version']).status === 0;
}

/** KEY=value lines, commented-out ones included (an operator uncomments them). */
function envExample(file: string): { all: Record<string, string>; active: Record<string, string> } {
  const all: Record<string, string> = {};
  const active: Record<string, string> = {};
  for (const line of readFileSync(path.join(DEPLOY, file), 'utf8').split('\n')) {
    const m = /^(#?)(SOTA_[A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    all[m[2]!] = m[3]!;
    if (m[1] === '') active[m[2]!] = m[3]!;
  }
  return { all, active };
}

/** Every SOTA_* name the node's sources mention (as a key, a string or in a comment). */
function namesInSources(): Set<string> {
  const names = new Set<string>();
  const files = execFileSync('git', ['ls-files', 'src-main', 'shared'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const f of files)
    for (const m of readFileSync(path.join(ROOT, f), 'utf8').matchAll(
      /\b(SOTA_[A-Z0-9_]*[A-Z0-9])\b/g,
    ))
      names.add(m[1]!);
  return names;
}

describe('deploy/', () => {
  const units = readdirSync(DEPLOY).filter((f) => f.endsWith('.service'));

  it('holds a unit and an environment example for the validator and the pool', () => {
    expect(units.sort()).toEqual(['sota-pool.service', 'sota-validator.service']);
    for (const unit of units) {
      const text = readFileSync(path.join(DEPLOY, unit), 'utf8');
      const envFile = /^EnvironmentFile=\/etc\/sota-miner\/(.+)$/m.exec(text)?.[1];
      expect(envFile, unit).toBeDefined();
      expect(readdirSync(DEPLOY)).toContain(`${unit.replace('.service', '')}.env.example`);
      // Secrets never on the command line (ps shows it to every user): credentials and env only.
      expect(/^ExecStart=.*(password|mnemonic|seed)/im.test(text), unit).toBe(false);
    }
  });

  // Debian's systemd package (installed by .ci/run); a machine without systemd skips this.
  it.skipIf(!hasSystemdAnalyze() && !process.env['CI'])(
    'passes systemd-analyze verify without a warning',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sota-units-'));
      try {
        for (const unit of units) {
          // verify checks that ExecStart's program exists: point it at this machine's node.
          const text = readFileSync(path.join(DEPLOY, unit), 'utf8').replace(
            /^ExecStart=\/usr\/local\/bin\/sota-miner/m,
            `ExecStart=${process.execPath}`,
          );
          writeFileSync(path.join(dir, unit), text);
          const r = spawnSync('systemd-analyze', ['verify', path.join(dir, unit)], {
            encoding: 'utf8',
          });
          expect({ unit, status: r.status, stderr: r.stderr.trim() }).toEqual({
            unit,
            status: 0,
            stderr: '',
          });
        }
        // The check does catch a misspelt setting.
        copyFileSync(path.join(dir, units[0]!), path.join(dir, 'typo.service'));
        const typo = readFileSync(path.join(dir, 'typo.service'), 'utf8').replace(
          'ProtectSystem=',
          'ProtectSystm=',
        );
        writeFileSync(path.join(dir, 'typo.service'), typo);
        const r = spawnSync('systemd-analyze', ['verify', path.join(dir, 'typo.service')], {
          encoding: 'utf8',
        });
        expect(r.stderr).toContain("Unknown key 'ProtectSystm'");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('names only settings the node reads, with values it accepts', () => {
    const known = namesInSources();
    for (const file of ['sota-validator.env.example', 'sota-pool.env.example']) {
      for (const name of Object.keys(envExample(file).all))
        expect(known, `${file}: ${name}`).toContain(name);
    }
    // What ExecStart adds: the key files and the data folder.
    const flags = { hotkeyFile: '/run/credentials/x/hotkey', dataDir: '/var/lib/sota' };
    const validator = resolveValidatorConfig(flags, {
      env: envExample('sota-validator.env.example').active,
    });
    expect(validator).toMatchObject({ network: 'finney', port: 8091, threads: 2, uiPort: 0 });
    const pool = resolvePoolConfig(
      { ...flags, coldkeyFile: '/run/credentials/x/coldkey' },
      { env: envExample('sota-pool.env.example').active },
    );
    expect(pool).toMatchObject({ network: 'finney', port: 8092, feeBps: 500, spotCheckRate: 0.05 });
  });
});
