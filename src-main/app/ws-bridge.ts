/**
 * The WebSocket bridge: how a browser reaches a headless node. One HTTP server on loopback (by
 * default) serves the built React UI and upgrades /bridge to a WebSocket that carries the
 * shared/ipc contract. What keeps other pages and programs out:
 *
 * - Host: every request (page, file or socket) must name a loopback host (`localhost`,
 *   127.0.0.0/8, `[::1]`, or the exact address the bridge was told to listen on) with the
 *   bridge's port; anything else is refused with 403. A DNS-rebinding page (its own name made to
 *   resolve to 127.0.0.1) sends its own name and is refused before it sees anything.
 * - Origin: when a browser sends one, it must be this page's own (http, the Host's name and port),
 *   so another web page open in the same browser cannot drive the node even if it guesses the port.
 * - Token: a random access token (in `<data dir>/dashboard-url`, see dashboard-url.ts) is required
 *   on every socket. Wrong or missing tokens are counted per source address (rate-limit.ts): after
 *   FAILED_TOKENS_PER_MINUTE of them that source gets 429 without its token being looked at, until
 *   its allowance refills; other sources are not affected.
 *
 * Each refusal is logged with its reason, once per reason and source a minute (the next line says
 * how many were not logged), with header values cut short: a flood of bad requests cannot flood
 * the log. The token itself is never logged.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { LRUCache } from 'lru-cache';
import { WebSocketServer, type WebSocket } from 'ws';
import { COMMAND_NAMES } from '../../shared/ipc/command-args';
import {
  NodeCommandError,
  SERVICE_EVENT_NAMES,
  type ClientFrame,
  type EventName,
  type NodeFrame,
} from '../../shared/ipc/contract';
import type { Logger } from '../log/logger';
import type { LogBuffer } from '../log/log-buffer';
import {
  isLoopbackHostname,
  isWildcardAddress,
  parseHostHeader,
  parseHttpOrigin,
  sourceKey,
} from '../net/loopback';
import { RateLimiter } from '../net/rate-limit';
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
  /** Wrong or missing tokens a source may send per minute (a burst of as many); default 10. */
  readonly failedTokensPerMinute?: number;
  /** The clock (ms) of the token limiter and the refusal log (tests); default Date.now. */
  readonly now?: () => number;
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
/** Default allowance of wrong or missing tokens per source address and minute. */
export const FAILED_TOKENS_PER_MINUTE = 10;
/** A refusal is logged once per reason and source in this window. */
export const REFUSAL_LOG_WINDOW_MS = 60_000;
/** Header values in log lines are cut to this many characters. */
const LOGGED_HEADER_CHARS = 80;

/** A header value for a log line: at most LOGGED_HEADER_CHARS characters, never an array. */
function clip(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text.length <= LOGGED_HEADER_CHARS
    ? text
    : `${text.slice(0, LOGGED_HEADER_CHARS)}… (${text.length} chars)`;
}

const STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
};

/** Answers a refused WebSocket upgrade with a plain HTTP status, then closes the socket. */
function refuseUpgrade(socket: Duplex, status: number, headers: Record<string, string> = {}) {
  const head = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}`,
    'Connection: close',
    'Content-Length: 0',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n`);
}

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
  const now = o.now ?? Date.now;
  const perMinute = o.failedTokensPerMinute ?? FAILED_TOKENS_PER_MINUTE;
  const failedTokens = new RateLimiter({ capacity: perMinute, refillPerSecond: perMinute / 60 });
  // Besides loopback, the one address the operator chose to listen on (an IP literal cannot be
  // rebound; a name could, and a wildcard names no address).
  const bound = parseHostHeader(host.includes(':') ? `[${host}]` : host)?.hostname;
  const boundAddress = bound && isIP(bound) && !isWildcardAddress(bound) ? bound : undefined;
  let port = 0; // known once listening, before the first request

  const refusalLog = new LRUCache<string, { at: number; unlogged: number }>({ max: 10_000 });
  /** Logs a refusal unless one with this reason and source was logged within the window. */
  const logRefusal = (reason: string, source: string, fields: Record<string, unknown> = {}) => {
    const key = `${reason}\n${source}`;
    const t = now();
    const last = refusalLog.get(key);
    if (last && t - last.at >= 0 && t - last.at < REFUSAL_LOG_WINDOW_MS) {
      last.unlogged++;
      return;
    }
    o.log.warn('bridge request refused', {
      reason,
      source,
      ...fields,
      ...(last?.unlogged ? { notLoggedSinceLastLine: last.unlogged } : {}),
    });
    refusalLog.set(key, { at: t, unlogged: 0 });
  };

  /** Whether a request must be refused for its Host or Origin (the refusal is logged). */
  const foreign = (req: IncomingMessage, source: string): boolean => {
    const hp = parseHostHeader(req.headers.host);
    if (
      !hp ||
      (hp.port ?? 80) !== port ||
      !(isLoopbackHostname(hp.hostname) || hp.hostname === boundAddress)
    ) {
      logRefusal('host is not this loopback address and port', source, {
        host: clip(req.headers.host),
      });
      return true;
    }
    const origin = req.headers.origin;
    if (origin === undefined) return false; // not a browser, or a same-origin page load
    const from = parseHttpOrigin(origin);
    if (from && from.hostname === hp.hostname && from.port === port) return false;
    logRefusal('origin is not this dashboard', source, { origin: clip(origin) });
    return true;
  };

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
    if (foreign(req, sourceKey(req.socket.remoteAddress))) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden\n');
      return;
    }
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
    const source = sourceKey(req.socket.remoteAddress);
    if (foreign(req, source)) {
      refuseUpgrade(socket, 403);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      refuseUpgrade(socket, 404);
      return;
    }
    if (url.pathname !== '/bridge') {
      logRefusal('not the bridge path', source, { path: clip(url.pathname) });
      refuseUpgrade(socket, 404);
      return;
    }
    // A source that has used up its wrong tokens is not asked for another one.
    const wait = failedTokens.retryAfterMs(source, now());
    if (wait > 0) {
      const retryAfter = Math.ceil(wait / 1000);
      logRefusal('too many wrong tokens', source, {
        allowedPerMinute: perMinute,
        retryAfterSeconds: retryAfter,
      });
      refuseUpgrade(socket, 429, { 'Retry-After': String(retryAfter) });
      return;
    }
    const authorized = sameToken(url.searchParams.get('token'), token);
    if (!authorized) failedTokens.take(source, now());
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!authorized) {
        logRefusal('wrong or missing token', source);
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
      ...SERVICE_EVENT_NAMES.map(forward),
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
  port = (server.address() as { port: number }).port;
  // A wildcard address is no place to browse to (and not a loopback Host): show loopback instead.
  const shownHost = isWildcardAddress(host) ? (host === '::' ? '::1' : '127.0.0.1') : host;
  const shown = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
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
