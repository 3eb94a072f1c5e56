/**
 * The node as the UI sees it: every command of shared/ipc/contract.ts routed to the feature that
 * answers it, and the event streams. The WebSocket bridge (ws-bridge.ts) and the Electron main
 * process both hand commands to this class; neither holds logic of its own. The features:
 * wallet-commands.ts (`wallet.*`), mining-commands.ts (`mining.*`), dataset-commands.ts
 * (`dataset.*`), network-commands.ts (the chain, pools, leaderboard, a validator's status); the
 * node's own (`node.info`, settings, updates, logs, diagnostics) are here.
 */
import { availableParallelism, platform, release } from 'node:os';
import { z } from 'zod';
import { version } from '../../package.json';
import {
  NodeCommandError,
  type CommandName,
  type Events,
  type EventName,
  type NodeInfo,
  type Settings,
  type UpdateStatus,
} from '../../shared/ipc/contract';
import { COMMAND_ARGS, describeArgsError } from '../../shared/ipc/command-args';
import { defaultThreads } from '../search/orchestrator';
import { UpdateGate } from '../update/update-gate';
import { WalletError } from '../wallet/errors';
import { saveAppSettings } from './app-settings';
import { DatasetControl } from './dataset-commands';
import { MiningControl } from './mining-commands';
import { NetworkViews } from './network-commands';
import { NodeContext, type Handler, type Handlers, type NodeServiceOptions } from './node-context';
import { walletCommands } from './wallet-commands';

export type { DesktopIntegration, NodeServiceOptions } from './node-context';

type Listener<E extends EventName> = (payload: Events[E]) => void;
type NodeCommand =
  | 'node.info'
  | 'logs.recent'
  | 'diagnostics.report'
  | 'settings.get'
  | 'settings.set'
  | 'update.status'
  | 'update.install';

export class NodeService {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private readonly ctx: NodeContext;
  private readonly dataset: DatasetControl;
  private readonly mining: MiningControl;
  private readonly network: NetworkViews;
  private readonly updates: UpdateGate | null;
  /** Every command, by name: the compiler checks that none is left out. */
  private readonly handlers: Handlers<CommandName>;

  constructor(private readonly o: NodeServiceOptions) {
    this.ctx = new NodeContext(o, (event, payload) => this.emit(event, payload));
    this.dataset = new DatasetControl(this.ctx);
    this.mining = new MiningControl(this.ctx, {
      datasetSettled: () => this.dataset.settled(),
      recheckUpdates: () => void this.updates?.recheck(),
    });
    this.network = new NetworkViews(this.ctx);
    const feed = o.desktop?.updates;
    this.updates = feed
      ? new UpdateGate(
          feed,
          () => this.mining.submissionInFlight(),
          () => this.mining.stop(),
          (status) => this.emit('update.status', status),
        )
      : null;
    this.handlers = {
      ...walletCommands(this.ctx),
      ...this.mining.handlers,
      ...this.dataset.handlers,
      ...this.network.handlers,
      ...this.nodeCommands(),
    };
  }

  /** Runs a command; a failure is always a NodeCommandError with a message for a person. */
  async call(command: string, args: unknown): Promise<unknown> {
    const handler = (this.handlers as Record<string, Handler<CommandName> | undefined>)[command];
    if (!handler) throw new NodeCommandError('UNKNOWN_COMMAND', `Unknown command ${command}.`);
    // Checked before any handler runs: a handler only ever sees arguments of its declared shape.
    const checked = COMMAND_ARGS[command as CommandName].safeParse(args);
    if (!checked.success) {
      this.o.log.warn('command refused: malformed arguments', { command });
      throw new NodeCommandError('BAD_ARGUMENT', `${command}: ${describeArgsError(checked.error)}`);
    }
    try {
      return await handler(checked.data as never);
    } catch (err) {
      if (err instanceof NodeCommandError) throw err;
      if (err instanceof WalletError) throw new NodeCommandError(err.code, err.message);
      this.o.log.error('command failed', { command, error: String(err) });
      throw new NodeCommandError('FAILED', err instanceof Error ? err.message : String(err));
    }
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch {
        // A listener (a closed socket) must not stop the others.
      }
    }
  }

  async close(): Promise<void> {
    this.updates?.close();
    await this.network.close();
    await this.mining.stop();
  }

  // --- the node's own commands ------------------------------------------------------------------

  private nodeCommands(): Handlers<NodeCommand> {
    return {
      'node.info': async () => this.info(),
      'logs.recent': async ({ limit }) => this.o.recentLogs(Math.min(Math.max(1, limit), 2000)),
      'diagnostics.report': async () => this.diagnostics(),
      'settings.get': async () => this.settings(),
      'settings.set': async (args) => this.changeSettings(args),
      'update.status': async () => this.updateStatus(),
      'update.install': async () => this.updates?.install() ?? this.updateStatus(),
    };
  }

  private changeSettings({
    startAtLogin,
    network,
    netuid,
    pauseOnBattery,
    pauseWhenActive,
  }: Parameters<Handlers<'settings.set'>['settings.set']>[0]): Settings {
    const ctx = this.ctx;
    if (pauseOnBattery !== undefined || pauseWhenActive !== undefined) {
      if (!this.mining.powerGate)
        throw new NodeCommandError(
          'UNSUPPORTED',
          'Only the desktop app can see the battery and when you use the computer; a headless node mines whenever it runs.',
        );
      ctx.appSettings = saveAppSettings(this.o.dataDir, {
        ...ctx.appSettings,
        pauseOnBattery: pauseOnBattery ?? ctx.appSettings.pauseOnBattery,
        pauseWhenActive: pauseWhenActive ?? ctx.appSettings.pauseWhenActive,
      });
      this.o.log.info('power settings saved', {
        pauseOnBattery: ctx.appSettings.pauseOnBattery,
        pauseWhenActive: ctx.appSettings.pauseWhenActive,
      });
      this.mining.recheckPower();
    }
    if (startAtLogin !== undefined) {
      if (!this.o.desktop)
        throw new NodeCommandError(
          'UNSUPPORTED',
          'A headless node cannot start at login: run it from your service manager (systemd, launchd).',
        );
      this.o.desktop.setStartAtLogin(Boolean(startAtLogin));
      this.o.log.info('start at login', { on: Boolean(startAtLogin) });
    }
    if (network !== undefined || netuid !== undefined) {
      if (this.mining.busy())
        throw new NodeCommandError('BUSY', 'Stop mining before changing the network.');
      const next = {
        ...ctx.appSettings,
        network: network === undefined ? ctx.appSettings.network : network?.trim() || null,
        netuid: netuid === undefined ? ctx.appSettings.netuid : netuid,
      };
      try {
        ctx.appSettings = saveAppSettings(this.o.dataDir, next);
      } catch (err) {
        const message =
          err instanceof z.ZodError
            ? 'The subnet must be a whole number from 1 to 65535.'
            : err instanceof Error
              ? err.message
              : String(err);
        throw new NodeCommandError('BAD_SETTING', message);
      }
      this.o.log.info('network settings saved', { ...ctx.appSettings });
      this.network.networkChanged();
    }
    return this.settings();
  }

  private settings(): Settings {
    const saved = this.ctx.appSettings;
    return {
      network: saved.network,
      netuid: saved.netuid,
      startAtLogin: this.o.desktop?.getStartAtLogin() ?? false,
      startAtLoginSupported: this.o.desktop !== undefined,
      pauseOnBattery: saved.pauseOnBattery,
      pauseWhenActive: saved.pauseWhenActive,
      powerSupported: this.mining.powerGate !== null,
    };
  }

  private updateStatus(): UpdateStatus {
    return (
      this.updates?.current() ?? {
        state: 'unsupported',
        version: null,
        waitingFor: null,
        error: null,
      }
    );
  }

  private info(): NodeInfo {
    return {
      version,
      shell: this.o.shell,
      dataDir: this.o.dataDir,
      cores: availableParallelism(),
      defaultThreads: defaultThreads(),
      network: this.ctx.network ?? 'none',
      netuid: this.ctx.netuid ?? null,
      datasetReady: this.dataset.status().state === 'ready',
      validator: this.o.validatorUrl !== undefined,
    };
  }

  private diagnostics(): string {
    const info = this.info();
    const mining = this.mining.status();
    const lines = [
      `sota-miner ${info.version} (${info.shell})`,
      `node ${process.version}, ${platform()} ${release()}, ${info.cores} cores`,
      `data folder: ${info.dataDir}`,
      `network: ${info.network}${info.netuid !== null ? `, netuid ${info.netuid}` : ''}`,
      `dataset: ${info.datasetReady ? 'ready' : 'not downloaded yet'}`,
      `update: ${this.updateStatus().state}`,
      `mining: ${mining.state}${mining.error ? ` (${mining.error})` : ''}`,
      '',
      'recent log lines (secrets redacted by the logger):',
      ...this.o.recentLogs(200).map((l) => `${l.time} ${l.level} [${l.scope}] ${l.msg}`),
    ];
    return lines.join('\n');
  }
}
