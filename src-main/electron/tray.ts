/**
 * The tray icon: start, pause and stop mining without opening the window, and see the state in the
 * tooltip. It only relays to the node service, like the window does.
 */
import { join } from 'node:path';
import { app, Menu, nativeImage, Tray } from 'electron';
import { IDLE_MINING_STATUS, type MiningStatus } from '../../shared/ipc/contract';
import type { DesktopNode } from '../app/desktop-node';

export function createTray(node: DesktopNode, showWindow: () => void): Tray {
  const icon = nativeImage
    .createFromPath(join(app.getAppPath(), 'assets', 'icon.png'))
    .resize({ width: 16, height: 16 });
  const tray = new Tray(icon);
  const call = (command: 'mining.pause' | 'mining.resume' | 'mining.stop') =>
    void node.service.call(command, undefined).catch(() => {});
  const start = async () => {
    const info = (await node.service.call('node.info', undefined)) as { defaultThreads: number };
    await node.service
      .call('mining.start', { mode: 'solo', threads: info.defaultThreads })
      .catch(() => {});
  };
  const render = (status: MiningStatus) => {
    const running = status.state === 'running' || status.state === 'starting';
    tray.setToolTip(`sota-miner: ${status.state}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show sota-miner', click: showWindow },
        { type: 'separator' },
        {
          label: 'Start mining (solo)',
          enabled: !running && status.state !== 'paused',
          click: () => void start(),
        },
        { label: 'Pause', enabled: status.state === 'running', click: () => call('mining.pause') },
        { label: 'Resume', enabled: status.state === 'paused', click: () => call('mining.resume') },
        {
          label: 'Stop',
          enabled: running || status.state === 'paused',
          click: () => call('mining.stop'),
        },
        { type: 'separator' },
        { label: 'Quit', role: 'quit' },
      ]),
    );
  };
  render(IDLE_MINING_STATUS);
  node.subscribe((event, payload) => {
    if (event === 'mining.status') render(payload as MiningStatus);
  });
  tray.on('click', showWindow);
  return tray;
}
