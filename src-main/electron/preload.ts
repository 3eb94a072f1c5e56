/**
 * Preload script: runs in the sandboxed renderer before the page, and is the single typed source of
 * what the page may call. Only `api` crosses the context bridge; the page never gets ipcRenderer.
 * The renderer gets the type with `import type { PreloadApi }` (types only, no code).
 */
import { contextBridge } from 'electron';
import { version } from '../../package.json';

const api = {
  /** The app version, from package.json (inlined at build time). */
  version,
  /** The operating system the app runs on: 'linux', 'darwin', 'win32', ... */
  platform: process.platform,
} as const;

export type PreloadApi = typeof api;

contextBridge.exposeInMainWorld('api', api);
