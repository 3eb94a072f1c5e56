/**
 * A btcli "$NACL" coldkey made in the test by libsodium itself (the library btwallet uses, through
 * sodiumoxide), opened by our independent implementation (hash-wasm Argon2i + @noble secretbox).
 * Slow (three 512 MiB Argon2i runs), so it runs with the integration tests, not the unit tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import sodium from 'libsodium-wrappers-sumo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../log/logger';
import type { BtcliWalletView } from '../../shared/ipc/contract';
import { NodeService } from '../app/node-service';
import { btcliKeyfileJson, writeBtcliWallet } from '../../tests/support/btcli-fixture';
import { Keystore } from './keystore';
import { PassphraseProtector } from './protector';
import { Secret } from './secret';

const OTHER = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const PASSWORD = 'coldkey password 1';
// btwallet's salt as its Python/Rust source spells it (a bytes literal), transcribed separately
// from the production constant so the two are checked against each other.
const BTWALLET_SALT = Buffer.from('\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1', 'latin1');

/** What btwallet's encrypt_keyfile_data writes: "$NACL" ‖ nonce ‖ secretbox_easy(json). */
async function btwalletEncrypt(plain: Uint8Array, password: string): Promise<Uint8Array> {
  await sodium.ready;
  const key = sodium.crypto_pwhash(
    sodium.crypto_secretbox_KEYBYTES,
    password,
    BTWALLET_SALT,
    sodium.crypto_pwhash_argon2i_OPSLIMIT_SENSITIVE,
    sodium.crypto_pwhash_argon2i_MEMLIMIT_SENSITIVE,
    sodium.crypto_pwhash_ALG_ARGON2I13,
  );
  const nonce = sodium.randombytes_buf(sodium.crypto_secretbox_NONCEBYTES);
  const box = sodium.crypto_secretbox_easy(plain, nonce, key);
  return Buffer.concat([Buffer.from('$NACL'), nonce, box]);
}

let root: string;
let cold: Record<string, string>;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sota-nacl-'));
  cold = await btcliKeyfileJson(OTHER);
  const coldkey = await btwalletEncrypt(new TextEncoder().encode(JSON.stringify(cold)), PASSWORD);
  await writeBtcliWallet({ root, wallet: 'owner', hotkeys: {}, coldkeyPub: cold, coldkey });
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('btcli $NACL coldkey', () => {
  it('imports with the right password, refuses the wrong one, and logs no secret', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) });
    const ks = await Keystore.open(
      path.join(root, 'keystore.json'),
      new PassphraseProtector(new Secret('keystore passphrase'), { t: 1, m: 8192 }),
      log,
    );
    await expect(
      ks.importBtcliColdkey('owner', { root, wallet: 'owner' }, new Secret('not the password')),
    ).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    const info = await ks.importBtcliColdkey(
      'owner',
      { root, wallet: 'owner' },
      new Secret(PASSWORD),
    );
    expect(info).toMatchObject({
      address: cold['ss58Address'],
      source: 'btcli-coldkey',
      kind: 'mnemonic',
    });
    expect((await ks.unlock('owner')).address).toBe(cold['ss58Address']);
    const logged = lines.join('\n');
    expect(logged).toContain(cold['ss58Address']);
    for (const leak of [
      PASSWORD,
      'legal winner',
      cold['secretSeed']!.slice(2, 18),
      cold['privateKey']!.slice(2, 18),
    ])
      expect(logged).not.toContain(leak);
  }, 120_000);
});

describe('a btcli coldkey imported from the UI (wallet.btcli.importColdkey)', () => {
  it('is listed by its public key, refused with the wrong password in a sentence, then imported', async () => {
    const lines: string[] = [];
    const node = new NodeService({
      shell: 'headless',
      dataDir: path.join(root, 'node-data'),
      log: createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) }),
      recentLogs: () => [],
      openKeystore: () =>
        Keystore.open(
          path.join(root, 'node-keystore.json'),
          new PassphraseProtector(new Secret('keystore passphrase'), { t: 1, m: 8192 }),
        ),
      btcliRoot: root,
    });
    const [owner] = (await node.call('wallet.btcli.list', undefined)) as BtcliWalletView[];
    expect(owner).toMatchObject({ wallet: 'owner', coldkeyAddress: cold['ss58Address'] });
    await expect(
      node.call('wallet.btcli.importColdkey', {
        wallet: 'owner',
        name: 'owner-coldkey',
        password: 'not the password',
      }),
    ).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
      message: expect.stringMatching(/password/i),
    });
    expect(
      await node.call('wallet.btcli.importColdkey', {
        wallet: 'owner',
        name: 'owner-coldkey',
        password: PASSWORD,
      }),
    ).toEqual({ name: 'owner-coldkey', address: cold['ss58Address'], source: 'btcli-coldkey' });
    expect(lines.join('\n')).not.toContain(PASSWORD);
  }, 120_000);
});
