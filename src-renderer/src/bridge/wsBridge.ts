/**
 * The WebSocket client of the node bridge, for the dashboard opened in a browser tab. Speaks the
 * frames of shared/ipc/contract.ts: sends `call {id}`, settles each call on its `result {id}` or
 * `error {id}`, and hands `event` frames to the listeners registered with `on`.
 *
 * It reconnects with exponential backoff when the socket closes, except on close code 4401
 * (the node refused the access token), which is final. Event listeners live here, not on the
 * socket, so they keep working across reconnects (the node pushes every event to every
 * authenticated client; the contract has no subscribe frame). Calls made while the line is down
 * wait in a queue and are sent on the next connect; calls already sent when it drops fail with
 * code 'disconnected' rather than being sent twice (mining.start and wallet.import are not
 * idempotent).
 *
 * The socket is made by an injectable factory so the frame handling runs under Node in tests.
 */
import { NodeCommandError } from '../../../shared/ipc/contract';
import type {
  ClientFrame,
  CommandName,
  EventName,
  Events,
  NodeFrame,
} from '../../../shared/ipc/contract';
import type { BridgeConnection, ConnectionState } from './connection';

/** Close code the node uses when the access token is missing or wrong. */
export const UNAUTHORIZED_CLOSE_CODE = 4401;

/** What the client needs from a socket; `browserSocket` adapts the DOM WebSocket to it. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(code: number, reason: string): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLike;

export interface WsBridgeOptions {
  /** Makes the socket; defaults to the browser's WebSocket. */
  readonly socketFactory?: SocketFactory;
  /** First reconnect delay; doubles on each failed attempt up to maxDelayMs. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A call with no answer after this long fails with code 'timeout'. */
  readonly callTimeoutMs?: number;
}

/** The DOM WebSocket behind the SocketLike interface. */
export const browserSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.onopen = () => handlers.open();
  ws.onmessage = (event) => handlers.message(event.data);
  ws.onclose = (event) => handlers.close(event.code, event.reason);
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
};

interface PendingCall {
  readonly frame: ClientFrame;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

type AnyListener = (payload: unknown) => void;

export function wsBridge(url: string, options: WsBridgeOptions = {}): BridgeConnection {
  const makeSocket = options.socketFactory ?? browserSocket;
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;

  let state: ConnectionState = 'connecting';
  let socket: SocketLike | null = null;
  let open = false;
  let disposed = false;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;

  const pending = new Map<number, PendingCall>();
  const eventListeners = new Map<EventName, Set<AnyListener>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  }

  function settle(id: number): PendingCall | undefined {
    const call = pending.get(id);
    if (!call) return undefined;
    pending.delete(id);
    clearTimeout(call.timer);
    return call;
  }

  function failWhere(predicate: (call: PendingCall) => boolean, error: () => Error): void {
    for (const [id, call] of [...pending]) {
      if (predicate(call)) settle(id)?.reject(error());
    }
  }

  function trySend(call: PendingCall): void {
    if (!open || !socket || call.sent) return;
    try {
      socket.send(JSON.stringify(call.frame));
      call.sent = true;
    } catch {
      // The socket is going away; its close handler runs next and the call is retried or failed.
    }
  }

  function handleFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: NodeFrame;
    try {
      frame = JSON.parse(data) as NodeFrame;
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    switch (frame.t) {
      case 'result':
        settle(frame.id)?.resolve(frame.result);
        return;
      case 'error': {
        const call = settle(frame.id);
        if (!call) return;
        const code = typeof frame.error?.code === 'string' ? frame.error.code : 'error';
        const message =
          typeof frame.error?.message === 'string' ? frame.error.message : 'The node refused.';
        call.reject(new NodeCommandError(code, message));
        return;
      }
      case 'event': {
        const listeners = eventListeners.get(frame.event);
        if (!listeners) return;
        for (const listener of [...listeners]) {
          try {
            listener(frame.payload);
          } catch (error) {
            console.error(`bridge: a '${frame.event}' listener threw`, error);
          }
        }
        return;
      }
      default:
        return;
    }
  }

  function connect(): void {
    reconnectTimer = null;
    if (disposed) return;
    setState('connecting');
    let self: SocketLike | null = null;
    const handlers: SocketHandlers = {
      open: () => {
        if (socket !== self || disposed) return;
        open = true;
        attempt = 0;
        setState('connected');
        for (const call of [...pending.values()]) trySend(call);
      },
      message: (data) => {
        if (socket === self) handleFrame(data);
      },
      close: (code) => {
        if (socket !== self) return;
        onClosed(code);
      },
    };
    try {
      self = makeSocket(url, handlers);
      socket = self;
    } catch {
      // e.g. a malformed URL or a blocked origin: treat like a failed connection.
      socket = null;
      onClosed(1006);
    }
  }

  function onClosed(code: number): void {
    socket = null;
    open = false;
    failWhere(
      (call) => call.sent,
      () => new NodeCommandError('disconnected', 'The connection to the node was lost.'),
    );
    if (disposed) return;
    if (code === UNAUTHORIZED_CLOSE_CODE) {
      setState('unauthorized');
      failWhere(
        () => true,
        () => new NodeCommandError('unauthorized', 'The node did not accept the access token.'),
      );
      return;
    }
    setState('disconnected');
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
    attempt += 1;
    reconnectTimer = setTimeout(connect, delay);
  }

  const bridge: BridgeConnection = {
    get state() {
      return state;
    },

    call(command: CommandName, ...args: unknown[]) {
      if (disposed) {
        return Promise.reject(new NodeCommandError('closed', 'The bridge was closed.'));
      }
      if (state === 'unauthorized') {
        return Promise.reject(
          new NodeCommandError('unauthorized', 'The node did not accept the access token.'),
        );
      }
      const id = nextId++;
      const frame: ClientFrame =
        args.length > 0 ? { t: 'call', id, command, args: args[0] } : { t: 'call', id, command };
      return new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          settle(id)?.reject(
            new NodeCommandError(
              'timeout',
              `The node did not answer within ${Math.round(callTimeoutMs / 1000)} s. It may be busy or stopped: try again.`,
            ),
          );
        }, callTimeoutMs);
        const call: PendingCall = { frame, resolve, reject, timer, sent: false };
        pending.set(id, call);
        trySend(call);
      });
    },

    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      let listeners = eventListeners.get(event);
      if (!listeners) {
        listeners = new Set();
        eventListeners.set(event, listeners);
      }
      const entry = listener as AnyListener;
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },

    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },

    close() {
      if (disposed) return;
      disposed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const current = socket;
      socket = null;
      open = false;
      current?.close(1000, 'closed by the UI');
      failWhere(
        () => true,
        () => new NodeCommandError('closed', 'The bridge was closed.'),
      );
      setState('disconnected');
    },
  } as BridgeConnection;

  connect();
  return bridge;
}
