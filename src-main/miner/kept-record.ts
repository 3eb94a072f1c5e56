/**
 * The record (the network's holder program) a search stands on, kept in the search's folder, so a
 * restart while no validator answers still starts from it. Written atomically each time the
 * validators name a holder; read back only when they do not, and then checked by digest: a copy
 * that is not the program it names (edited, or damaged on disk) is refused with a message naming
 * the file and both digests, never used.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { programDigest } from '../../shared/algorithm/canonical';
import { DEFAULT_MAX_DSL_BYTES, parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { writeAtomically } from '../search/store';

export const RECORD_FILE = 'record.json';
const FORMAT = 'sota-miner/record';

const KeptRecordSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  /** The network and subnet whose validators named it (as the miner was told to reach them). */
  network: z.string().min(1),
  netuid: z.number().int().min(0),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  miner: z.string().nullable(),
  program: z.string().max(DEFAULT_MAX_DSL_BYTES),
  /** When the validators last named it (ISO time). */
  fetchedAt: z.string(),
});

export type KeptRecord = Omit<z.infer<typeof KeptRecordSchema>, 'format' | 'version'>;

export class KeptRecordError extends Error {
  override readonly name = 'KeptRecordError';
}

export function keptRecordFile(dir: string): string {
  return path.join(dir, RECORD_FILE);
}

/** Keeps `record` in `dir` (replacing the one kept before). */
export async function keepRecord(dir: string, record: KeptRecord): Promise<void> {
  const file = keptRecordFile(dir);
  const body: z.input<typeof KeptRecordSchema> = { format: FORMAT, version: 1, ...record };
  await mkdir(dir, { recursive: true });
  await writeAtomically(file, `${JSON.stringify(body, null, 2)}\n`);
}

/**
 * The record kept in `dir`, its program's digest checked against the one it names; null when none
 * is kept. Throws KeptRecordError, naming the file, when the file cannot be read or is not the
 * program it names.
 */
export async function readKeptRecord(dir: string): Promise<KeptRecord | null> {
  const file = keptRecordFile(dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KeptRecordError(`${file}: cannot read the kept record (${String(err)})`);
  }
  let kept: z.infer<typeof KeptRecordSchema>;
  try {
    kept = KeptRecordSchema.parse(JSON.parse(text));
  } catch (err) {
    const reason =
      err instanceof z.ZodError
        ? `${err.issues[0]?.path.join('.') || 'file'}: ${err.issues[0]?.message ?? 'bad structure'}`
        : err instanceof Error
          ? err.message
          : String(err);
    throw new KeptRecordError(`${file}: not a kept record (${reason})`);
  }
  let actual: string;
  try {
    actual = programDigest(parseProgramOrThrow(kept.program));
  } catch (err) {
    throw new KeptRecordError(
      `${file}: the program kept for record ${kept.digest} does not read (${err instanceof Error ? err.message : String(err)}); refused`,
    );
  }
  if (actual !== kept.digest)
    throw new KeptRecordError(
      `${file}: names record ${kept.digest} but its program's digest is ${actual}; refused`,
    );
  const { format: _f, version: _v, ...record } = kept;
  return record;
}
