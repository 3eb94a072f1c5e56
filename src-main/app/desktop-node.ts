/**
 * The node inside the desktop app. Everything the Electron shell needs, with no electron import:
 * the shell passes in what only it has (safeStorage, its folders) and relays commands and events
 * between this and the window (src-main/electron/main.ts). Logs go to a file in the OS log folder
 * and to the Logs screen.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_EVENT_NAMES, type EventName, type Events } from '../../shared/ipc/contract';
import { FileLog } from '../log/file-log';
import { LogBuffer } from '../log/log-buffer';
import { createLogger } from '../log/logger';
import { keystorePath } from '../wallet/headless';
import { Keystore } from '../wallet/keystore';
import { osKeychainProtector, type SafeStorageLike } from '../wallet/protector';
import { NodeService, type DesktopIntegration } from './node-service';

export interface DesktopNodeOptions {
  readonly dataDir: string;
  readonly logDir: string;
  readonly safeStorage: SafeStorageLike;
  /** Login items and the update feed, from the shell. */
  readonly desktop: DesktopIntegration;
}

export interface DesktopNode {
  readonly service: NodeService;
  readonly logFile: string;
  /** Stops the node and writes the last log lines to the file. */
  close(): Promise<void>;
  /** Every event the window should receive, as (name, payload). */
  subscribe(send: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
}

export function createDesktopNode(o: DesktopNodeOptions): DesktopNode {
  mkdirSync(o.logDir, { recursive: true });
  const logFile = path.join(o.logDir, 'sota-miner.log');
  const logs = new LogBuffer();
  // Asynchronous appends, kept to a size; a failing disk loses the file, never the node.
  const file = new FileLog(logFile);
  const log = createLogger(
    {
      format: 'json',
      write: (line) => {
        logs.push(line);
        file.write(line);
      },
    },
    'node',
  );
  const service = new NodeService({
    shell: 'desktop',
    dataDir: o.dataDir,
    log,
    recentLogs: (n) => logs.recent(n),
    desktop: o.desktop,
    openKeystore: () =>
      Keystore.open(
        keystorePath(o.dataDir),
        osKeychainProtector(o.safeStorage),
        log.child('wallet'),
      ),
  });
  return {
    service,
    logFile,
    close: async () => {
      await service.close();
      await file.close();
    },
    subscribe: (send) => {
      const off = [
        ...SERVICE_EVENT_NAMES.map((event) => service.on(event, (p) => send(event, p))),
        logs.onLine((line) => send('log', line)),
      ];
      return () => off.forEach((f) => f());
    },
  };
}
