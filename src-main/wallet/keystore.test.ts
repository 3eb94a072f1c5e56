import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { signatureVerify } from '@polkadot/util-crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createLogger } from '../log/logger';
import { WalletError } from './errors';
import { readPassphrase, openHeadlessKeystore, PASSPHRASE_ENV } from './headless';
import { Keystore } from './keystore';
import { PassphraseProtector, osKeychainProtector, type Argon2Cost } from './protector';
import { Secret } from './secret';

const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const ALICE_SEED = '0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a';
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
// Small Argon2id cost keeps unit tests fast; the format stores the cost, so this is the real code.
const FAST: Argon2Cost = { t: 1, m: 8 * 1024 };
const PASS = new Secret('correct horse battery staple');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sota-keystore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PassphraseProtector', () => {
  it('round-trips, and fails clearly on a wrong passphrase or a tampered record', async () => {
    const p = new PassphraseProtector(PASS, FAST);
    const blob = await p.protect(new TextEncoder().encode('hello'));
    expect(new TextDecoder().decode(await p.unprotect(blob))).toBe('hello');
    await expect(
      new PassphraseProtector(new Secret('wrong passphrase!'), FAST).unprotect(blob),
    ).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    const env = JSON.parse(new TextDecoder().decode(blob)) as { t: number };
    env.t = 2; // a downgraded or upgraded cost is caught by the authenticated header
    await expect(p.unprotect(new TextEncoder().encode(JSON.stringify(env)))).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    });
    await expect(p.unprotect(new TextEncoder().encode('garbage'))).rejects.toMatchObject({
      code: 'CORRUPT',
    });
  });

  it('refuses a short passphrase', () => {
    expect(() => new PassphraseProtector(new Secret('short'))).toThrow(WalletError);
  });
});

describe('osKeychainProtector', () => {
  // A stand-in with safeStorage's shape: what is tested is our refusal rule, not Electron.
  const reversible = (backend: string) => ({
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (s: string) => new Uint8Array(Buffer.from(s).reverse()),
    decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
  });

  it("refuses Linux's plain-text backend and accepts a real keyring", async () => {
    const plain = new TextEncoder().encode('x');
    await expect(
      osKeychainProtector(reversible('basic_text'), 'linux').protect(plain),
    ).rejects.toMatchObject({
      code: 'INSECURE_BACKEND',
    });
    const good = osKeychainProtector(reversible('gnome_libsecret'), 'linux');
    expect(await good.unprotect(await good.protect(plain))).toEqual(plain);
    // macOS and Windows have no such fallback.
    await expect(
      osKeychainProtector(reversible('n/a'), 'darwin').protect(plain),
    ).resolves.toBeInstanceOf(Uint8Array);
  });
});

describe('Keystore', () => {
  it('stores keys encrypted, lists only public data, and unlocks after a restart', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) });
    const file = path.join(dir, 'wallet', 'keystore.json');
    const ks = await Keystore.open(file, new PassphraseProtector(PASS, FAST), log);
    const info = await ks.importKey('miner', new Secret(DEV_PHRASE));
    await ks.importKey('alice', new Secret(ALICE_SEED));
    expect(ks.list().map((k) => [k.name, k.kind])).toEqual([
      ['miner', 'mnemonic'],
      ['alice', 'seed'],
    ]);

    const onDisk = await readFile(file, 'utf8');
    for (const leak of ['bottom', 'obey', ALICE_SEED.slice(2, 20), 'correct horse'])
      expect(onDisk).not.toContain(leak);
    expect(onDisk).toContain(info.address);

    const again = await Keystore.open(file, new PassphraseProtector(PASS, FAST), log);
    const pair = await again.unlock('alice');
    expect(pair.address).toBe(ALICE);
    const msg = new TextEncoder().encode('payload');
    expect(signatureVerify(msg, pair.sign(msg), ALICE).isValid).toBe(true);

    await expect(
      (
        await Keystore.open(file, new PassphraseProtector(new Secret('not the passphrase'), FAST))
      ).unlock('alice'),
    ).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });

    const logged = lines.join('\n');
    expect(logged).toContain('key stored');
    for (const leak of ['bottom', 'obey', ALICE_SEED.slice(2, 20), 'correct horse'])
      expect(logged).not.toContain(leak);
  });

  it('never overwrites a damaged keystore and keeps state when a save fails', async () => {
    const file = path.join(dir, 'keystore.json');
    await writeFile(file, '{"version":1,"keys":');
    await expect(Keystore.open(file, new PassphraseProtector(PASS, FAST))).rejects.toMatchObject({
      code: 'CORRUPT',
    });
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"keys":');

    // Its folder turns into a file after opening: the save fails as a full or read-only disk would.
    const sub = path.join(dir, 'sub');
    const ks = await Keystore.open(
      path.join(sub, 'keystore.json'),
      new PassphraseProtector(PASS, FAST),
    );
    await writeFile(sub, '');
    await expect(ks.importKey('k', new Secret(ALICE_SEED))).rejects.toMatchObject({ code: 'IO' });
    expect(ks.list()).toEqual([]);
  });

  it('headless: passphrase from a file or the environment, clear error without one', async () => {
    const pf = path.join(dir, 'pass.txt');
    await writeFile(pf, 'from a file passphrase\n');
    expect((await readPassphrase({ passphraseFile: pf, env: {} })).reveal()).toBe(
      'from a file passphrase',
    );
    expect((await readPassphrase({ env: { [PASSPHRASE_ENV]: 'from the env 123' } })).reveal()).toBe(
      'from the env 123',
    );
    await expect(readPassphrase({ env: {} })).rejects.toMatchObject({ code: 'NO_PASSPHRASE' });
    const ks = await openHeadlessKeystore({
      dataDir: dir,
      env: { [PASSPHRASE_ENV]: 'from the env 123' },
      cost: FAST,
    });
    await ks.importKey('v', new Secret(ALICE_SEED));
    expect((await ks.unlock('v')).address).toBe(ALICE);
  });
});
