/**
 * Finds the Subtensor chain spec the local network runs (a raw spec whose genesis holds the
 * runtime wasm), without ever copying it into the project:
 *   1. an explicit path (option), 2. $SOTA_CHAIN_SPEC,
 *   3. shared/chain/<file> in a folder above the project root (the development machines' copy),
 *   4. the cache <data dir>/chain/<file>, 5. a download from the Subtensor repository at the
 *      pinned commit into the cache, checked against the pinned sha256 before use.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { defaultDataDir, projectRootDir } from '../dataset/locate';
import { silentLogger, type Logger } from '../log/logger';

export const CHAIN_SPEC_FILE = 'subtensor-raonet-spec218.json';
export const CHAIN_SPEC_SHA256 = 'bb2c7e34390f8fb5032750cc7d80d23f91a47f56fdebf4c35a24c7938b96c57c';
/** opentensor/subtensor, scripts/specs/raonet.json at commit e2b8367b8 (2025-02-13, Unlicense). */
export const CHAIN_SPEC_URL =
  'https://raw.githubusercontent.com/opentensor/subtensor/e2b8367b8/scripts/specs/raonet.json';

type Env = Readonly<Record<string, string | undefined>>;

export interface ChainSpecOptions {
  path?: string;
  env?: Env;
  dataDir?: string;
  projectRoot?: string;
  /** Allow step 5 (default true). */
  download?: boolean;
  log?: Logger;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function findShared(projectRoot?: string): string | null {
  const root = projectRootDir(projectRoot);
  if (!root) return null;
  let dir = path.dirname(root);
  for (;;) {
    const candidate = path.join(dir, 'shared', 'chain', CHAIN_SPEC_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The chain spec's path, downloading it into the cache when nothing else is found. */
export async function locateChainSpec(opts: ChainSpecOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const explicit = opts.path ?? env['SOTA_CHAIN_SPEC'];
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`Chain spec ${explicit} does not exist.`);
    return path.resolve(explicit);
  }
  const shared = findShared(opts.projectRoot);
  if (shared) return shared;
  const cache = path.join(opts.dataDir ?? defaultDataDir(env), 'chain', CHAIN_SPEC_FILE);
  if (existsSync(cache) && sha256(await readFile(cache)) === CHAIN_SPEC_SHA256) return cache;
  if (opts.download === false)
    throw new Error(
      `No chain spec: set SOTA_CHAIN_SPEC or place ${CHAIN_SPEC_FILE} in ${path.dirname(cache)}.`,
    );
  await downloadChainSpec(cache, opts.log ?? silentLogger);
  return cache;
}

async function downloadChainSpec(dest: string, log: Logger): Promise<void> {
  log.info('downloading the Subtensor chain spec', { url: CHAIN_SPEC_URL });
  const res = await fetch(CHAIN_SPEC_URL);
  if (!res.ok) throw new Error(`Downloading the chain spec failed: HTTP ${res.status}.`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const got = sha256(bytes);
  if (got !== CHAIN_SPEC_SHA256)
    throw new Error(
      `The downloaded chain spec has sha256 ${got}, expected ${CHAIN_SPEC_SHA256}; not used.`,
    );
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  } finally {
    await rm(tmp, { force: true });
  }
}
