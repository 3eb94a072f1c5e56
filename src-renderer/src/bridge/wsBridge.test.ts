import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeCommandError } from '../../../shared/ipc/contract';
import type { ClientFrame, MiningStatus, NodeFrame } from '../../../shared/ipc/contract';
import type { ConnectionState } from './connection';
import { wsBridge } from './wsBridge';
import type { SocketFactory, SocketHandlers } from './wsBridge';

/** A socket the test drives by hand: it records what the client sends. */
class FakeSocket {
  readonly sent: ClientFrame[] = [];
  closedWith: number | null = null;
  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close(code = 1000): void {
    this.closedWith = code;
  }
  open(): void {
    this.handlers.open();
  }
  receive(frame: NodeFrame | string): void {
    this.handlers.message(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  drop(code = 1006): void {
    this.handlers.close(code, '');
  }
}

const STATUS: MiningStatus = {
  state: 'running',
  mode: 'solo',
  threads: 2,
  threadsMax: 2,
  progress: null,
  target: null,
  track: null,
  evolvingFrom: null,
  claimNote: null,
  pool: null,
  pausedFor: null,
  cpuPercent: null,
  error: null,
};

function setup() {
  const sockets: FakeSocket[] = [];
  const factory: SocketFactory = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    sockets.push(socket);
    return socket;
  };
  const bridge = wsBridge('ws://node/bridge?token=t', {
    socketFactory: factory,
    initialDelayMs: 100,
    maxDelayMs: 400,
    callTimeoutMs: 5000,
  });
  const states: ConnectionState[] = [];
  bridge.onState((s) => states.push(s));
  const last = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket');
    return socket;
  };
  return { bridge, sockets, states, last };
}

describe('wsBridge', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends calls with ids and settles them from result and error frames', async () => {
    const { bridge, last } = setup();
    expect(bridge.state).toBe('connecting');
    last().open();
    expect(bridge.state).toBe('connected');

    const info = bridge.call('wallet.preview', { secret: 'abc' });
    const list = bridge.call('wallet.list');
    const [first, second] = last().sent;
    expect(first).toEqual({ t: 'call', id: 1, command: 'wallet.preview', args: { secret: 'abc' } });
    expect(second).toEqual({ t: 'call', id: 2, command: 'wallet.list' });

    // Answers may come in any order; unknown ids and junk are ignored.
    last().receive({ t: 'result', id: 99, result: 'nobody asked' });
    last().receive('not json');
    last().receive({ t: 'result', id: 2, result: [] });
    last().receive({ t: 'error', id: 1, error: { code: 'bad-checksum', message: 'Bad checksum' } });

    await expect(list).resolves.toEqual([]);
    const error = await info.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeCommandError);
    expect(error).toMatchObject({ code: 'bad-checksum', message: 'Bad checksum' });
  });

  it('hands event frames to listeners until they unsubscribe', () => {
    const { bridge, last } = setup();
    last().open();
    const seen: MiningStatus[] = [];
    const off = bridge.on('mining.status', (s) => seen.push(s));
    const logs = vi.fn();
    bridge.on('log', logs);

    last().receive({ t: 'event', event: 'mining.status', payload: STATUS });
    off();
    last().receive({ t: 'event', event: 'mining.status', payload: STATUS });
    expect(seen).toEqual([STATUS]);
    expect(logs).not.toHaveBeenCalled();
  });

  it('queues calls until the socket opens', async () => {
    const { bridge, last } = setup();
    const status = bridge.call('mining.status');
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ t: 'call', id: 1, command: 'mining.status' }]);
    last().receive({ t: 'result', id: 1, result: STATUS });
    await expect(status).resolves.toEqual(STATUS);
  });

  it('reconnects with backoff, keeps listeners, and fails calls in flight', async () => {
    const { bridge, sockets, states, last } = setup();
    const seen = vi.fn();
    bridge.on('mining.status', seen);
    last().open();

    const inFlight = bridge.call('mining.start', { mode: 'solo', threads: 1 });
    last().drop();
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    expect(bridge.state).toBe('disconnected');

    // The first retry fails too: the delay doubles (100 ms, then 200 ms).
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    // A call made while down goes out on the new socket; events reach the old listener.
    const queued = bridge.call('node.info');
    last().open();
    expect(last().sent).toEqual([{ t: 'call', id: 2, command: 'node.info' }]);
    last().receive({ t: 'event', event: 'mining.status', payload: STATUS });
    expect(seen).toHaveBeenCalledWith(STATUS);
    last().receive({ t: 'result', id: 2, result: { version: '1' } });
    await expect(queued).resolves.toEqual({ version: '1' });

    expect(states).toEqual([
      'connected',
      'disconnected',
      'connecting',
      'disconnected',
      'connecting',
      'connected',
    ]);
    // Frames from a socket that was replaced are ignored.
    sockets[0]?.receive({ t: 'event', event: 'mining.status', payload: STATUS });
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('stops on close code 4401 and fails everything with "unauthorized"', async () => {
    const { bridge, sockets, last } = setup();
    const waiting = bridge.call('wallet.list');
    last().drop(4401);
    expect(bridge.state).toBe('unauthorized');
    await expect(waiting).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(bridge.call('node.info')).rejects.toMatchObject({ code: 'unauthorized' });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('times out a call the node never answers', async () => {
    const { bridge, last } = setup();
    last().open();
    const call = bridge.call('sota.leaderboard');
    vi.advanceTimersByTime(5000);
    await expect(call).rejects.toMatchObject({ code: 'timeout' });
  });

  it('close() stops reconnecting and closes the socket', async () => {
    const { bridge, sockets, last } = setup();
    last().open();
    const call = bridge.call('node.info');
    bridge.close();
    expect(sockets[0]?.closedWith).toBe(1000);
    await expect(call).rejects.toMatchObject({ code: 'closed' });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });
});
