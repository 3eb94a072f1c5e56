/**
 * The WebSocket bridge: how a browser reaches a headless node. One HTTP server on loopback (by
 * default) serves the built React UI and upgrades /bridge to a WebSocket that carries the
 * shared/ipc contract. A random access token, printed at start, is required on every socket;
 * the Origin must be this server's own, so another web page open in the same browser cannot
 * drive the node even if it guesses the port.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  COMMAND_NAMES,
  NodeCommandError,
  type ClientFrame,
  type EventName,
  type NodeFrame,
} from '../../shared/ipc/contract';
import type { Logger } from '../log/logger';
import type { LogBuffer } from '../log/log-buffer';
import type { NodeService } from './node-service';

export interface BridgeOptions {
  readonly service: NodeService;
  readonly logs: LogBuffer;
  readonly log: Logger;
  /** Folder of the built UI (out/renderer); the bridge still works without it. */
  readonly uiDir?: string;
  readonly host?: string;
  readonly port?: number;
  /** Fixed token (tests); default: 32 random bytes. */
  readonly token?: string;
}

export interface RunningBridge {
  /** The address to open, token included. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_FRAME_BYTES = 1024 * 1024;
/** Close code the UI reads as "wrong or missing token". */
export const UNAUTHORIZED_CLOSE = 4401;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The same policy as the desktop window: only this origin, and its own WebSocket. */
function csp(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ws://${host}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startBridge(o: BridgeOptions): Promise<RunningBridge> {
  const token = o.token ?? randomBytes(32).toString('base64url');
  const host = o.host ?? '127.0.0.1';
  const uiDir = o.uiDir && existsSync(path.join(o.uiDir, 'index.html')) ? o.uiDir : undefined;

  const serveFile = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!uiDir) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('The UI is not built: run `npm run build`.\n');
      return;
    }
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(uiDir, rel);
    // Inside the UI folder only; unknown paths get the app (it routes on the client).
    const inside = file.startsWith(path.resolve(uiDir) + path.sep);
    const target =
      inside && existsSync(file) && statSync(file).isFile() ? file : path.join(uiDir, 'index.html');
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(target)] ?? 'application/octet-stream',
      'content-security-policy': csp(req.headers.host ?? host),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    createReadStream(target)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    try {
      serveFile(req, res);
    } catch (err) {
      // A malformed path (e.g. "/%E0") is the browser's problem, never the node's.
      o.log.warn('bad UI request', { error: String(err) });
      if (!res.headersSent) res.writeHead(400);
      res.end();
    }
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    const ownOrigin = `http://${req.headers.host ?? ''}`;
    if (url.pathname !== '/bridge' || (origin !== undefined && origin !== ownOrigin)) {
      o.log.warn('bridge connection refused', { reason: 'path or origin', origin });
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!sameToken(url.searchParams.get('token'), token)) {
        o.log.warn('bridge connection refused', { reason: 'wrong or missing token' });
        ws.close(UNAUTHORIZED_CLOSE, 'unauthorized');
        return;
      }
      attach(ws);
    });
  });

  const attach = (ws: WebSocket) => {
    sockets.add(ws);
    const send = (frame: NodeFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const forward = <E extends EventName>(event: E) =>
      o.service.on(event, (payload) => send({ t: 'event', event, payload }));
    const unsubscribe = [
      forward('mining.status'),
      forward('dataset.status'),
      forward('update.status'),
      o.logs.onLine((line) => send({ t: 'event', event: 'log', payload: line })),
    ];
    ws.on('message', (data) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse(String(data)) as ClientFrame;
      } catch {
        o.log.warn('bridge frame is not JSON');
        return;
      }
      if (frame?.t !== 'call' || !Number.isSafeInteger(frame.id)) return;
      if (!COMMAND_NAMES.includes(frame.command)) {
        send({
          t: 'error',
          id: frame.id,
          error: { code: 'UNKNOWN_COMMAND', message: `Unknown command ${String(frame.command)}.` },
        });
        return;
      }
      o.service.call(frame.command, frame.args).then(
        (result) => send({ t: 'result', id: frame.id, result }),
        (err: unknown) => {
          const e =
            err instanceof NodeCommandError
              ? err
              : new NodeCommandError('FAILED', err instanceof Error ? err.message : String(err));
          send({ t: 'error', id: frame.id, error: { code: e.code, message: e.message } });
        },
      );
    });
    ws.on('close', () => {
      sockets.delete(ws);
      for (const u of unsubscribe) u();
    });
    ws.on('error', (err) => o.log.debug('bridge socket error', { error: String(err) }));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    close: async () => {
      for (const s of sockets) s.close(1001, 'node stopping');
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Browsers keep idle HTTP connections open; they would hold close() forever.
      server.closeAllConnections();
      await closed;
    },
  };
}
