/**
 * Reads a search settings file (JSON, see shared/search/config.ts) with errors that name the file
 * and the field: what `mine --config`, the benchmarks and the pool's settings take.
 */
import { readFile } from 'node:fs/promises';
import {
  SearchConfigError,
  parseSearchConfig,
  type SearchConfig,
} from '../../shared/search/config';

/** The file's settings (none without a file), then `overrides` on top, checked and filled in. */
export async function readSearchConfig(
  file: string | undefined,
  overrides: Record<string, unknown> = {},
): Promise<SearchConfig> {
  let input: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`${file}: cannot read the search settings file`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`, {
        cause: err,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${file}: the search settings must be a JSON object`);
    }
    input = parsed as Record<string, unknown>;
  }
  try {
    return parseSearchConfig({ ...input, ...overrides });
  } catch (err) {
    if (err instanceof SearchConfigError && file) {
      throw new SearchConfigError(err.problems.map((p) => `${file}: ${p}`));
    }
    throw err;
  }
}
