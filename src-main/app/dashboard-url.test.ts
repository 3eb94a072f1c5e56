import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_URL_FILE, publishDashboardUrl } from './dashboard-url';

const URL_WITH_TOKEN = 'http://127.0.0.1:7878/?token=c2VjcmV0LWFjY2Vzcy10b2tlbg';
const posix = process.platform !== 'win32';

describe('publishDashboardUrl', () => {
  it('writes the address to a file only its user can read, and prints only where it is', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'sota-dash-')), 'new', 'data');
    const printed: string[] = [];
    const file = publishDashboardUrl({
      dataDir,
      url: URL_WITH_TOKEN,
      interactive: false,
      print: (l) => printed.push(l),
    });
    expect(file).toBe(path.join(dataDir, DASHBOARD_URL_FILE));
    expect(readFileSync(file, 'utf8')).toBe(`${URL_WITH_TOKEN}\n`);
    if (posix) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // A data folder it had to create is its user's alone too.
      expect(statSync(dataDir).mode & 0o077).toBe(0);
    }
    expect(printed).toEqual([`dashboard: open the URL in ${file} (readable only by you)`]);
    expect(printed.join('\n')).not.toContain('token');
    // No temporary file is left behind.
    expect(readdirSync(dataDir)).toEqual([DASHBOARD_URL_FILE]);
  });

  it('shows the address once on an interactive terminal', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sota-dash-'));
    const printed: string[] = [];
    publishDashboardUrl({
      dataDir,
      url: URL_WITH_TOKEN,
      interactive: true,
      print: (l) => printed.push(l),
    });
    expect(printed.filter((l) => l.includes(URL_WITH_TOKEN))).toEqual([
      `dashboard: ${URL_WITH_TOKEN}`,
    ]);
    expect(printed[0]).toContain(path.join(dataDir, DASHBOARD_URL_FILE));
  });

  it('replaces the file of an earlier start, whatever its mode was', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sota-dash-'));
    const file = path.join(dataDir, DASHBOARD_URL_FILE);
    writeFileSync(file, 'http://127.0.0.1:7878/?token=old\n', { mode: 0o644 });
    publishDashboardUrl({ dataDir, url: URL_WITH_TOKEN, interactive: false, print: () => {} });
    expect(readFileSync(file, 'utf8')).toBe(`${URL_WITH_TOKEN}\n`);
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir)).toEqual([DASHBOARD_URL_FILE]);
  });

  it('throws, and prints nothing, when the file cannot be written', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sota-dash-'));
    const notADir = path.join(dir, 'plain-file');
    writeFileSync(notADir, 'x');
    const printed: string[] = [];
    expect(() =>
      publishDashboardUrl({
        dataDir: notADir,
        url: URL_WITH_TOKEN,
        interactive: true,
        print: (l) => printed.push(l),
      }),
    ).toThrow();
    expect(printed).toEqual([]);
  });
});
