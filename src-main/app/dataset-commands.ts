/**
 * The dataset's commands (`dataset.*`): whether CIFAR-10 is on this computer, and its download
 * (checked by MD5 as the files land) with progress as `dataset.status` events.
 */
import type { CommandName, DatasetStatus } from '../../shared/ipc/contract';
import { downloadCifar10 } from '../dataset/download';
import { cifar10CacheDir, locateCifar10 } from '../dataset/locate';
import type { Handlers, NodeContext } from './node-context';

export type DatasetCommand = Extract<CommandName, `dataset.${string}`>;

export class DatasetControl {
  private dataset: DatasetStatus | null = null;
  private download: Promise<void> | null = null;

  constructor(private readonly ctx: NodeContext) {}

  readonly handlers: Handlers<DatasetCommand> = {
    'dataset.status': async () => this.status(),
    'dataset.download': async () => this.startDownload(),
  };

  /** Resolves when no download is under way (at once when none is), never rejects. */
  async settled(): Promise<void> {
    await this.download?.catch(() => {});
  }

  status(): DatasetStatus {
    const { o } = this.ctx;
    // A download under way, or finished (its files were checked by MD5 as they landed). After a
    // failed one, look again: mining's own download or the person may have put the files there.
    if (this.dataset && this.dataset.state !== 'error') return this.dataset;
    let dir: string | null = null;
    let error: string | null = null;
    try {
      dir = o.cifarDir ?? locateCifar10({ dataDir: o.dataDir, ...o.datasetLookup });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (!dir && !error && this.dataset) return this.dataset;
    return {
      state: dir ? 'ready' : error ? 'error' : 'missing',
      dir: dir ?? cifar10CacheDir({ dataDir: o.dataDir }),
      phase: null,
      receivedBytes: 0,
      totalBytes: null,
      error,
    };
  }

  private startDownload(): DatasetStatus {
    const current = this.status();
    if (current.state === 'ready' || current.state === 'downloading') return current;
    const { o, log } = this.ctx;
    const dest = cifar10CacheDir({ dataDir: o.dataDir });
    const set = (status: DatasetStatus) => {
      this.dataset = status;
      this.ctx.emit('dataset.status', status);
    };
    const base = { dir: dest, error: null, receivedBytes: 0, totalBytes: null, phase: null };
    set({ ...base, state: 'downloading', phase: 'download' });
    log.info('dataset download started', { dest });
    this.download = downloadCifar10({
      dest,
      url: o.datasetSource?.url,
      md5: o.datasetSource?.md5,
      onProgress: (p) => set({ ...base, state: 'downloading', ...p }),
    }).then(
      () => {
        log.info('dataset ready', { dir: dest });
        set({ ...base, state: 'ready' });
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        log.error('dataset download failed', { error: message });
        set({ ...base, state: 'error', error: message });
      },
    );
    void this.download.finally(() => (this.download = null));
    return this.dataset!;
  }
}
