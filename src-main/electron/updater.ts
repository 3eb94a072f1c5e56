/**
 * The update feed of the desktop app: electron-updater, reading the releases the release workflow
 * publishes (electron-builder.yml, `publish`). It only downloads; when to restart is decided by
 * the node's UpdateGate (src-main/update), which never restarts in the middle of a submission.
 */
import { app } from 'electron';
import electronUpdater from 'electron-updater';
import type { FeedState, UpdateFeed } from '../update/update-gate';

const CHECK_EVERY_MS = 6 * 3600 * 1000;

/** Null when the app is not a packaged release (a development run has no feed to read). */
export function createUpdateFeed(): UpdateFeed | null {
  if (!app.isPackaged) return null;
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  // Quitting the app normally also installs a downloaded update: the user chose to stop.
  autoUpdater.autoInstallOnAppQuit = true;
  const listeners: Array<(s: FeedState) => void> = [];
  const report = (s: FeedState) => listeners.forEach((l) => l(s));
  autoUpdater.on('update-not-available', () => report({ state: 'idle' }));
  autoUpdater.on('update-available', (info) =>
    report({ state: 'available', version: info.version }),
  );
  autoUpdater.on('update-downloaded', (info) => report({ state: 'ready', version: info.version }));
  autoUpdater.on('error', (err) => report({ state: 'error', error: err.message }));
  const check = () => void autoUpdater.checkForUpdates().catch(() => {}); // reported via 'error'
  setInterval(check, CHECK_EVERY_MS).unref();
  return {
    check,
    install: () => autoUpdater.quitAndInstall(),
    onState: (l) => listeners.push(l),
  };
}
