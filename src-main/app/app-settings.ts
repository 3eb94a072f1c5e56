/**
 * What a person sets in the Settings screen and expects to find again after a restart: the
 * network (name or endpoints), the subnet, and when the search should rest. One small JSON file in the data folder, written
 * atomically; a file that cannot be read is reported and set aside, never deleted.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { resolveEndpoints } from '../chain/networks';

const FILE = 'settings.json';

const AppSettingsSchema = z.strictObject({
  network: z.string().min(1).max(1000).nullable(),
  netuid: z.number().int().min(1).max(65_535).nullable(),
  // Files written before these existed lack them: off.
  pauseOnBattery: z.boolean().default(false),
  pauseWhenActive: z.boolean().default(false),
});
export type AppSettings = z.infer<typeof AppSettingsSchema>;

const EMPTY: AppSettings = {
  network: null,
  netuid: null,
  pauseOnBattery: false,
  pauseWhenActive: false,
};

/** The saved settings, or none; `warn` hears of a file that was unreadable (and set aside). */
export function loadAppSettings(dataDir: string, warn: (msg: string) => void): AppSettings {
  const file = path.join(dataDir, FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return EMPTY;
  }
  try {
    return AppSettingsSchema.parse(JSON.parse(text));
  } catch (err) {
    const aside = `${file}.unreadable-${Date.now()}`;
    renameSync(file, aside);
    warn(`settings file unreadable (${(err as Error).message}); kept as ${path.basename(aside)}`);
    return EMPTY;
  }
}

/** Checks and saves; throws an Error with a message for a person on a bad value. */
export function saveAppSettings(dataDir: string, settings: AppSettings): AppSettings {
  const checked = AppSettingsSchema.parse(settings);
  if (checked.network !== null) resolveEndpoints(checked.network); // throws with the reason
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, FILE);
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return checked;
}
