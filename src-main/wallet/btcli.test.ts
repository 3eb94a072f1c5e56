import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listBtcliWallets, readBtcliHotkey, readColdkeyPub, readKeyfile } from './btcli';
import { btcliKeyfileJson, writeBtcliWallet } from '../../tests/support/btcli-fixture';
import { Keystore } from './keystore';
import { PassphraseProtector } from './protector';
import { Secret } from './secret';

const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const OTHER = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

let root: string;
let hot: Record<string, string>;
let cold: Record<string, string>;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sota-btcli-'));
  hot = await btcliKeyfileJson(DEV_PHRASE);
  cold = await btcliKeyfileJson(OTHER);
  await writeBtcliWallet({ root, wallet: 'default', hotkeys: { default: hot }, coldkeyPub: cold });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('btcli wallet import', () => {
  it('reads a plain hotkey file and the public coldkey', async () => {
    const { key, address } = await readBtcliHotkey({ root, wallet: 'default', hotkey: 'default' });
    expect(key.kind).toBe('mnemonic');
    expect(address).toBe(hot['ss58Address']);
    expect(await readColdkeyPub({ root, wallet: 'default' })).toBe(cold['ss58Address']);
    expect(await listBtcliWallets(root)).toEqual([
      {
        wallet: 'default',
        coldkeyAddress: cold['ss58Address'],
        hasColdkey: false,
        hotkeys: ['default'],
      },
    ]);
  });

  it('falls back to secretSeed, then to privateKey + publicKey, as btwallet does', async () => {
    const seedOnly = path.join(root, 'seed-only');
    await writeFile(
      seedOnly,
      JSON.stringify({ secretSeed: hot['secretSeed'], ss58Address: hot['ss58Address'] }),
    );
    expect((await readKeyfile(seedOnly, 'key')).key.kind).toBe('seed');
    const privOnly = path.join(root, 'priv-only');
    await writeFile(
      privOnly,
      JSON.stringify({
        privateKey: hot['privateKey'],
        publicKey: hot['publicKey'],
        ss58Address: hot['ss58Address'],
      }),
    );
    const parsed = await readKeyfile(privOnly, 'key');
    expect(parsed.key.kind).toBe('expanded');
    expect(parsed.address).toBe(hot['ss58Address']);
  });

  it('rejects files whose secret does not match, public-only files, and junk', async () => {
    const mismatch = path.join(root, 'mismatch');
    await writeFile(mismatch, JSON.stringify({ ...hot, ss58Address: cold['ss58Address'] }));
    await expect(readKeyfile(mismatch, 'key')).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
    const halves = path.join(root, 'halves');
    await writeFile(
      halves,
      JSON.stringify({ privateKey: hot['privateKey'], publicKey: cold['publicKey'] }),
    );
    await expect(readKeyfile(halves, 'key')).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
    await expect(
      readKeyfile(path.join(root, 'default', 'coldkeypub.txt'), 'key'),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_FORMAT',
    });
    const junk = path.join(root, 'junk');
    await writeFile(junk, 'hello');
    await expect(readKeyfile(junk, 'key')).rejects.toMatchObject({ code: 'UNKNOWN_FORMAT' });
    const ansible = path.join(root, 'ansible');
    await writeFile(ansible, '$ANSIBLE_VAULT;1.1;AES256\n...');
    await expect(readKeyfile(ansible, 'key', new Secret('x'))).rejects.toMatchObject({
      code: 'UNSUPPORTED_ENCRYPTION',
    });
    await expect(
      readBtcliHotkey({ root, wallet: 'default', hotkey: 'missing' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(readBtcliHotkey({ root, wallet: '..', hotkey: 'default' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('imports a btcli hotkey into the keystore, encrypted', async () => {
    const ks = await Keystore.open(
      path.join(root, 'ks.json'),
      new PassphraseProtector(new Secret('a long passphrase'), { t: 1, m: 8192 }),
    );
    const info = await ks.importBtcliHotkey('validator', {
      root,
      wallet: 'default',
      hotkey: 'default',
    });
    expect(info).toMatchObject({
      address: hot['ss58Address'],
      source: 'btcli-hotkey',
      kind: 'mnemonic',
    });
    expect((await ks.unlock('validator')).address).toBe(hot['ss58Address']);
    const watch = await ks.addWatchOnly('cold', { root, wallet: 'default' });
    expect(watch).toMatchObject({ kind: 'public', address: cold['ss58Address'] });
    await expect(ks.unlock('cold')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
