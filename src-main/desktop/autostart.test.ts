import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { autostartFile, linuxAutostart } from './autostart';

describe('Linux start at login', () => {
  it('follows XDG_CONFIG_HOME, and ignores it when relative', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe(
      '/cfg/autostart/sota-miner.desktop',
    );
    expect(autostartFile({ XDG_CONFIG_HOME: 'cfg' }, '/home/u')).toBe(
      '/home/u/.config/autostart/sota-miner.desktop',
    );
  });

  it('writes an autostart entry that starts the app, and removes it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'autostart-'));
    const file = path.join(dir, 'autostart', 'sota-miner.desktop');
    const autostart = linuxAutostart('/opt/My "Apps" 100%/sota-miner.AppImage', file);
    expect(autostart.get()).toBe(false);
    autostart.set(true);
    expect(autostart.get()).toBe(true);
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    // Quoted (\" for a quote, %% for a percent sign), then string-escaped (\\ for a backslash).
    expect(entry).toContain(
      String.raw`Exec="/opt/My \\"Apps\\" 100%%/sota-miner.AppImage" --hidden`,
    );
    autostart.set(false);
    expect(autostart.get()).toBe(false);
    autostart.set(false); // removing twice is fine
  });
});
