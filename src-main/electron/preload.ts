/**
 * Preload script: runs in the sandboxed renderer before the page, and is the single typed source of
 * what the page may call. Only `api` crosses the context bridge; the page never gets ipcRenderer.
 * The renderer gets the type with `import type { PreloadApi }` (types only, no code).
 *
 * `bridge` is the desktop implementation of shared/ipc's NodeBridge (the WebSocket bridge is the
 * other): commands go to the main process over one invoke channel, events come back on another.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { version } from '../../package.json';
import {
  NodeCommandError,
  type CommandName,
  type Commands,
  type EventName,
  type Events,
  type NodeBridge,
} from '../../shared/ipc/contract';

type Reply = { ok: true; result: unknown } | { ok: false; code: string; message: string };

const bridge: NodeBridge = {
  call: async <K extends CommandName>(command: K, ...args: unknown[]) => {
    // Errors cross IPC as plain data: Electron would flatten a thrown error to its message.
    const reply = (await ipcRenderer.invoke('node:call', command, args[0])) as Reply;
    if (!reply.ok) throw new NodeCommandError(reply.code, reply.message);
    return reply.result as Commands[K]['result'];
  },
  on: <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload as Events[E]);
    };
    ipcRenderer.on('node:event', handler);
    return () => void ipcRenderer.removeListener('node:event', handler);
  },
};

const api = {
  /** The app version, from package.json (inlined at build time). */
  version,
  /** The operating system the app runs on: 'linux', 'darwin', 'win32', ... */
  platform: process.platform,
  bridge,
  /** Opens the folder that holds the log file. */
  openLogFolder: (): Promise<void> => ipcRenderer.invoke('shell:open-log-folder'),
} as const;

export type PreloadApi = typeof api;

contextBridge.exposeInMainWorld('api', api);
