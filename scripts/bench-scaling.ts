/**
 * `npm run bench:scaling -- [--seconds S] [--json]`
 *
 * How the search's evaluator scales with worker threads: the same 200 random candidates scored over
 * and over on 1 thread, then on 2 threads at once, each thread with its own engine and cache, as the
 * island threads of a search have them. Two modes: every candidate fully evaluated on the 10 search
 * tasks (8000/1000), and every candidate answered from the FEC after its fingerprint. The search
 * itself (bench:search) adds the evolution's own imbalance: islands differ in what their programs
 * cost, and one island's work is sequential.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { parseSearchConfig } from '../shared/search/config';
import { searchTaskIds } from '../shared/task/pairs';
import { loadTasks } from '../src-main/dataset/tasks';
import { useSearchWasmSettings } from '../src-main/search/orchestrator';
import type { ScalingJob } from './bench-scaling.worker';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  useSearchWasmSettings();
  const config = parseSearchConfig({});
  const tasks = await loadTasks(searchTaskIds(config.tasks.count, config.tasks.firstSeed), {
    download: true,
  });
  const seconds = Number(values.seconds);
  const rate = async (threads: number, mode: ScalingJob['mode']) => {
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./bench-scaling.worker.ts', import.meta.url)),
      execArgv: ['--import', 'tsx'],
      minThreads: threads,
      maxThreads: threads,
      workerData: { tasks },
    });
    const job: ScalingJob = { config, mode, seconds };
    const rates = (await Promise.all(
      Array.from({ length: threads }, () => pool.run(job)),
    )) as number[];
    await pool.destroy();
    return rates.reduce((a, b) => a + b, 0);
  };
  const result: Record<string, unknown> = { bench: 'scaling', seconds };
  for (const mode of ['full', 'fingerprint'] as const) {
    const one = await rate(1, mode);
    const two = await rate(2, mode);
    result[mode] = {
      candidatesPerSec1: +one.toFixed(1),
      candidatesPerSec2: +two.toFixed(1),
      speedup: +(two / one).toFixed(3),
    };
  }
  result['node'] = process.version;
  process.stdout.write(
    values.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:scaling: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
