import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CIFAR_FILES } from './cifar10';
import {
  cifar10CacheDir,
  defaultDataDir,
  findSharedCifar10,
  locateCifar10,
  projectRootDir,
} from './locate';

let tmp = '';

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cifar10-locate-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A folder that passes the existence + size check: six sparse files of the official size. */
async function fakeCifar(dir: string, size = 30_730_000): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const f of CIFAR_FILES) {
    await writeFile(path.join(dir, f), '');
    await truncate(path.join(dir, f), size);
  }
  return dir;
}

/**
 * A layout like the dev machines': <base>/shared/datasets/cifar-10-batches-bin next to a project
 * root <base>/a/project (package.json), plus a data dir and two explicit folders.
 */
async function layout(name: string, withShared: boolean) {
  const base = path.join(tmp, name);
  const project = path.join(base, 'a', 'project');
  await mkdir(path.join(project, 'src-main'), { recursive: true });
  await writeFile(path.join(project, 'package.json'), '{}');
  const shared = withShared
    ? await fakeCifar(path.join(base, 'shared', 'datasets', 'cifar-10-batches-bin'))
    : null;
  const dataDir = path.join(base, 'data');
  return { base, project, shared, dataDir };
}

describe('locateCifar10', () => {
  it('prefers offlinePath, then $SOTA_CIFAR10_DIR, then shared/datasets above the project, then the cache', async () => {
    const l = await layout('order', true);
    const offline = await fakeCifar(path.join(l.base, 'offline'));
    const fromEnv = await fakeCifar(path.join(l.base, 'env'));
    const cache = await fakeCifar(cifar10CacheDir({ dataDir: l.dataDir }));
    expect(cache).toBe(path.join(l.dataDir, 'datasets', 'cifar-10-batches-bin'));
    const env = { SOTA_CIFAR10_DIR: fromEnv };
    // Start the package.json search from a subfolder, as the code does from its own folder.
    const projectRoot = path.join(l.project, 'src-main');

    expect(locateCifar10({ offlinePath: offline, env, dataDir: l.dataDir, projectRoot })).toBe(
      offline,
    );
    expect(locateCifar10({ env, dataDir: l.dataDir, projectRoot })).toBe(fromEnv);
    expect(locateCifar10({ env: {}, dataDir: l.dataDir, projectRoot })).toBe(l.shared);
    await rm(l.shared!, { recursive: true });
    expect(locateCifar10({ env: {}, dataDir: l.dataDir, projectRoot })).toBe(cache);
    // The cache folder also follows $SOTA_DATA_DIR when no dataDir is given.
    expect(locateCifar10({ env: { SOTA_DATA_DIR: l.dataDir }, projectRoot })).toBe(cache);
    await rm(cache, { recursive: true });
    expect(locateCifar10({ env: {}, dataDir: l.dataDir, projectRoot })).toBeNull();
  });

  it('throws when an explicit folder is unusable, naming it and the problem', async () => {
    const l = await layout('explicit', true);
    const missing = path.join(l.base, 'nope');
    expect(() => locateCifar10({ offlinePath: missing, env: {}, projectRoot: l.project })).toThrow(
      `offlinePath points to ${missing}, which is not a CIFAR-10 binary folder: folder ${missing} does not exist`,
    );
    const partial = await fakeCifar(path.join(l.base, 'partial'));
    await rm(path.join(partial, 'data_batch_3.bin'));
    expect(() =>
      locateCifar10({ env: { SOTA_CIFAR10_DIR: partial }, projectRoot: l.project }),
    ).toThrow(/SOTA_CIFAR10_DIR points to .*partial.*data_batch_3\.bin is missing/);
    // An empty variable counts as unset.
    expect(locateCifar10({ env: { SOTA_CIFAR10_DIR: '' }, projectRoot: l.project })).toBe(l.shared);
  });

  it('skips a cache whose files have the wrong size (an interrupted copy)', async () => {
    const l = await layout('short', false);
    await fakeCifar(cifar10CacheDir({ dataDir: l.dataDir }), 30_000_000);
    expect(locateCifar10({ env: {}, dataDir: l.dataDir, projectRoot: l.project })).toBeNull();
  });

  it("finds this checkout's project root and, when present, the real ../shared copy", () => {
    const root = projectRootDir();
    expect(root).not.toBeNull();
    expect(existsSync(path.join(root!, 'package.json'))).toBe(true);
    expect(existsSync(path.join(root!, 'src-main', 'dataset', 'locate.ts'))).toBe(true);
    const real = path.join(path.dirname(root!), 'shared', 'datasets', 'cifar-10-batches-bin');
    if (existsSync(real)) expect(findSharedCifar10()).toBe(real);
  });
});

describe('defaultDataDir', () => {
  const home = '/home/u';
  it('honours $SOTA_DATA_DIR everywhere', () => {
    expect(defaultDataDir({ SOTA_DATA_DIR: '/srv/sota' }, 'linux', home)).toBe('/srv/sota');
  });
  it('follows XDG on Linux', () => {
    expect(defaultDataDir({}, 'linux', home)).toBe('/home/u/.local/share/sota-miner');
    expect(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux', home)).toBe('/x/data/sota-miner');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', home)).toBe(
      '/home/u/.local/share/sota-miner',
    );
  });
  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/sota-miner',
    );
    expect(
      defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'),
    ).toBe('C:\\Users\\u\\AppData\\Roaming\\sota-miner');
    expect(defaultDataDir({}, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\sota-miner',
    );
  });
});
