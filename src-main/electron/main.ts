/**
 * The Electron main process: a thin shell that opens the UI window. It holds no logic: the miner,
 * validator and pool live in src-main and run the same under plain Node (`npm start`). Given a
 * command or --validator / --pool, the app runs it headless through the CLI's own dispatch
 * (cli/cli.ts): no window, no tray, logs on stdout, SOTA_* and --config read as under Node.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  powerMonitor,
  powerSaveBlocker,
  safeStorage,
  session,
  shell,
  type IpcMainInvokeEvent,
} from 'electron';
import { NodeCommandError } from '../../shared/ipc/contract';
import { createDesktopNode, type DesktopNode } from '../app/desktop-node';
import { isCliInvocation, runCli } from '../cli/cli';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './csp';
import { linuxAutostart } from '../desktop/autostart';
import { createTray } from './tray';
import { createUpdateFeed } from './updater';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Set by `electron-vite dev` to the Vite dev server's URL; absent in a built app. */
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];

let mainWindow: BrowserWindow | undefined;
let node: DesktopNode | undefined;
let keepAwake: number | null = null;

/** Only our own window, showing our own page, may talk to the node. */
function trusted(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return (
    event.sender === mainWindow?.webContents &&
    (devServerUrl ? url.startsWith(devServerUrl) : url.startsWith('file://'))
  );
}

/**
 * Started at login, the app opens to the tray only; later windows show. Windows and Linux pass
 * `--hidden`; macOS ignores login-item arguments and says wasOpenedAtLogin instead.
 */
let startHidden =
  process.argv.includes('--hidden') ||
  (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);

function startAtLogin(): { getStartAtLogin(): boolean; setStartAtLogin(on: boolean): void } {
  if (process.platform === 'linux') {
    // Electron's login items cover macOS and Windows; Linux desktops read XDG autostart entries.
    const autostart = linuxAutostart(process.env['APPIMAGE'] ?? process.execPath);
    return { getStartAtLogin: autostart.get, setStartAtLogin: autostart.set };
  }
  const args = ['--hidden'];
  return {
    getStartAtLogin: () => app.getLoginItemSettings({ args }).openAtLogin,
    setStartAtLogin: (on) => app.setLoginItemSettings({ openAtLogin: on, args }),
  };
}

function connectNode(): DesktopNode {
  const updates = createUpdateFeed();
  const n = createDesktopNode({
    dataDir: app.getPath('userData'),
    logDir: app.getPath('logs'),
    safeStorage,
    desktop: {
      ...startAtLogin(),
      updates,
      // Read when the node asks (every few seconds while mining), after the app is ready.
      power: {
        onBattery: () => powerMonitor.isOnBatteryPower(),
        idleSeconds: () => powerMonitor.getSystemIdleTime(),
      },
    },
  });
  updates?.check();
  ipcMain.handle('node:call', async (event, command: unknown, args: unknown) => {
    if (!trusted(event)) return { ok: false, code: 'FORBIDDEN', message: 'untrusted sender' };
    try {
      return { ok: true, result: await n.service.call(String(command), args) };
    } catch (err) {
      const e = err instanceof NodeCommandError ? err : new NodeCommandError('FAILED', String(err));
      return { ok: false, code: e.code, message: e.message };
    }
  });
  ipcMain.handle('shell:open-log-folder', async (event) => {
    if (trusted(event)) await shell.openPath(app.getPath('logs'));
  });
  n.subscribe((event, payload) => {
    mainWindow?.webContents.send('node:event', event, payload);
    if (event === 'mining.status') {
      // Keep the machine awake while it searches; let it sleep otherwise.
      const state = (payload as { state: string }).state;
      const busy = state === 'running' || state === 'starting';
      if (busy && keepAwake === null) keepAwake = powerSaveBlocker.start('prevent-app-suspension');
      if (!busy && keepAwake !== null) {
        powerSaveBlocker.stop(keepAwake);
        keepAwake = null;
      }
    }
  });
  return n;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'sota-miner',
    backgroundColor: '#0f1419',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => {
    if (!startHidden) win.show();
    startHidden = false;
  });
  if (devServerUrl) {
    void win.loadURL(devServerUrl);
  } else {
    void win.loadFile(join(here, '../renderer/index.html'));
  }
  return win;
}

// The user's arguments: after the executable, and after the app's path when run unpackaged.
const userArgs = process.argv.slice(app.isPackaged ? 1 : 2);
if (isCliInvocation(userArgs)) {
  // A server: the same dispatch as `npm start -- …`, no window and no GPU. The command handles
  // SIGTERM / SIGINT itself (a validator or pool stops cleanly) and its end ends the app.
  app.disableHardwareAcceleration();
  app.dock?.hide();
  void runCli(process.argv, { from: 'electron' }).then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show(); // started at login, the window may never have been shown
      mainWindow.focus();
    }
  });

  // Every web contents: no navigation away from the app, no new windows, no <webview>.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(() => {
    // The built index.html carries the same policy in a <meta> tag (file:// has no headers).
    const csp = devServerUrl ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
      });
    });
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
      callback(false),
    );

    node = connectNode();
    mainWindow = createWindow();
    createTray(node, () => {
      if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow();
      mainWindow.show();
      mainWindow.focus();
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => void node?.close());
}
