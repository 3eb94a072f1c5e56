import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../shared/ipc/contract';
import { UpdateGate, type FeedState, type UpdateFeed } from './update-gate';

/**
 * FakeFeed stands in for electron-updater, which needs the Electron binary (not available here):
 * it records what the gate asks and lets the test say what the feed reports.
 */
class FakeFeed implements UpdateFeed {
  installs = 0;
  checks = 0;
  private listener: (s: FeedState) => void = () => {};
  check(): void {
    this.checks++;
  }
  install(): void {
    this.installs++;
  }
  onState(listener: (s: FeedState) => void): void {
    this.listener = listener;
  }
  report(s: FeedState): void {
    this.listener(s);
  }
}

function setup() {
  const feed = new FakeFeed();
  let busy: string | null = null;
  const published: UpdateStatus[] = [];
  const steps: string[] = [];
  const gate = new UpdateGate(
    feed,
    () => busy,
    async () => {
      steps.push('stopped mining');
    },
    (s) => published.push(s),
  );
  return { feed, gate, published, steps, setBusy: (b: string | null) => (busy = b) };
}

describe('UpdateGate', () => {
  it('installs a downloaded update when asked, after stopping the miner', async () => {
    const { feed, gate, steps } = setup();
    feed.report({ state: 'available', version: '1.2.0' });
    expect(gate.current()).toMatchObject({ state: 'available', version: '1.2.0' });
    await gate.install(); // not downloaded yet: nothing happens
    expect(feed.installs).toBe(0);
    feed.report({ state: 'ready', version: '1.2.0' });
    await gate.install();
    expect(steps).toEqual(['stopped mining']);
    expect(feed.installs).toBe(1);
  });

  it('never restarts while a submission awaits its verdict, and restarts once it has one', async () => {
    const { feed, gate, published, setBusy } = setup();
    feed.report({ state: 'ready', version: '1.2.0' });
    setBusy('the verdict on submission 0a1b2c3d');
    const status = await gate.install();
    expect(status).toMatchObject({
      state: 'waiting',
      waitingFor: 'the verdict on submission 0a1b2c3d',
    });
    expect(feed.installs).toBe(0);
    await gate.recheck(); // still busy
    expect(feed.installs).toBe(0);
    // A late "ready" from the feed does not cancel the wait.
    feed.report({ state: 'ready', version: '1.2.0' });
    expect(gate.current().state).toBe('waiting');
    setBusy(null);
    await gate.recheck();
    expect(feed.installs).toBe(1);
    // The late "ready" republishes the waiting state; the restart then goes ahead.
    expect(published.map((s) => s.state)).toEqual(['ready', 'waiting', 'waiting']);
  });

  it('keeps a downloaded update and a requested restart through later feed reports', async () => {
    const { feed, gate, setBusy } = setup();
    feed.report({ state: 'ready', version: '1.2.0' });
    setBusy('the verdict on submission 0a1b2c3d');
    await gate.install();
    // The periodic check re-reports the update, then fails offline: the request stands.
    feed.report({ state: 'available', version: '1.2.0' });
    feed.report({ state: 'error', error: 'offline' });
    expect(gate.current()).toMatchObject({ state: 'waiting', version: '1.2.0' });
    setBusy(null);
    await gate.recheck();
    expect(feed.installs).toBe(1);
    gate.close();
  });

  it('installs once when asked twice at once', async () => {
    const { feed, gate } = setup();
    feed.report({ state: 'ready', version: '1.2.0' });
    await Promise.all([gate.install(), gate.install()]);
    expect(feed.installs).toBe(1);
  });

  it('reports feed errors without installing anything', async () => {
    const { feed, gate } = setup();
    feed.report({ state: 'error', error: 'net::ERR_INTERNET_DISCONNECTED' });
    expect(gate.current()).toMatchObject({
      state: 'error',
      error: 'net::ERR_INTERNET_DISCONNECTED',
    });
    await gate.install();
    expect(feed.installs).toBe(0);
  });
});
