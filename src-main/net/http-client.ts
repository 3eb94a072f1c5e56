/**
 * A small JSON client for node-to-node calls, on Node's global fetch.
 *
 * - signedRequest(): serializes the body once and signs those exact bytes (signed-request.ts), for
 *   the path exactly as fetch will put it on the request line, so the receiver checks what it got.
 * - getJson(): unsigned GET for public endpoints.
 *
 * Both bound what a remote node can cost us: one deadline for connecting, headers and body, and a
 * cap on the body, enforced while streaming (after decompression), so a huge or endless reply is
 * cut off rather than buffered. Any HTTP status is returned to the caller; transport failures,
 * timeouts, oversize and non-JSON bodies throw HttpClientError.
 */
import type { KeyringPair } from '../wallet/keypair';
import { signRequest } from './signed-request';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export type HttpClientErrorCode =
  'TIMEOUT' | 'ABORTED' | 'NETWORK' | 'TOO_LARGE' | 'NOT_JSON' | 'HTTP_STATUS';

export class HttpClientError extends Error {
  override readonly name = 'HttpClientError';
  readonly code: HttpClientErrorCode;
  /** The URL requested. */
  readonly url: string;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;

  constructor(
    code: HttpClientErrorCode,
    url: string,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.url = url;
    this.status = options.status;
  }
}

export interface HttpOptions {
  /** Deadline for the whole exchange, body included; default 10 s. */
  readonly timeoutMs?: number;
  /** Largest response body accepted; default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** Aborts the request early (e.g. on shutdown). */
  readonly signal?: AbortSignal;
}

export interface JsonResponse {
  readonly status: number;
  /** The parsed body; null for an empty body (e.g. 204). */
  readonly json: unknown;
}

export interface SignedRequestOptions extends HttpOptions {
  /** The node's base URL: scheme, host and port only, e.g. "http://1.2.3.4:8091". */
  readonly url: string;
  /** Path and query, starting with "/". */
  readonly path: string;
  readonly method: 'GET' | 'POST';
  /** Sent as JSON (POST only); serialized once, and those bytes are signed and sent. */
  readonly body?: unknown;
  /** Our hotkey pair (sr25519). */
  readonly pair: KeyringPair;
  /** SS58 address of the node we are calling. */
  readonly target: string;
}

const encoder = new TextEncoder();

/** The URL as shown in errors (parseHttpUrl has refused credentials). */
function displayUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Not a valid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError(`Only http and https URLs are supported, not ${parsed.protocol}`);
  // fetch refuses them anyway, and its message would repeat the password.
  if (parsed.username || parsed.password)
    throw new TypeError('URLs with a user name or password are not supported.');
  return parsed;
}

function checkLimits(opts: HttpOptions): { timeoutMs: number; maxResponseBytes: number } {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError('timeoutMs must be a positive number of milliseconds.');
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 0)
    throw new RangeError('maxResponseBytes must be a non-negative integer.');
  return { timeoutMs, maxResponseBytes };
}

/** Why fetch (or a body read) failed, in words: the system error code when there is one. */
function reason(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return `${code} (${current.message})`;
    if (current.cause === undefined) break;
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}

/** A short, printable excerpt of a body that failed to parse. */
function excerpt(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const tooLarge = (): HttpClientError =>
    new HttpClientError(
      'TOO_LARGE',
      url,
      `Response from ${url} is larger than ${maxBytes} bytes; refused.`,
      { status: response.status },
    );
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function parseJson(bytes: Uint8Array, status: number, url: string): unknown {
  if (bytes.byteLength === 0) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new HttpClientError(
      'NOT_JSON',
      url,
      `Response from ${url} (HTTP ${status}) is not UTF-8 text.`,
      { status, cause: err },
    );
  }
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpClientError(
      'NOT_JSON',
      url,
      `Response from ${url} (HTTP ${status}) is not JSON: ${excerpt(text)}`,
      { status, cause: err },
    );
  }
}

async function exchange(url: URL, init: RequestInit, opts: HttpOptions): Promise<JsonResponse> {
  const { timeoutMs, maxResponseBytes } = checkLimits(opts);
  const shown = displayUrl(url);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const external = opts.signal;
  const onAbort = (): void => controller.abort();
  if (external?.aborted) controller.abort();
  else external?.addEventListener('abort', onAbort, { once: true });

  const failure = (err: unknown): Error => {
    if (err instanceof HttpClientError) return err;
    if (timedOut)
      return new HttpClientError(
        'TIMEOUT',
        shown,
        `Request to ${shown} timed out after ${timeoutMs} ms.`,
        { cause: err },
      );
    if (external?.aborted)
      return new HttpClientError('ABORTED', shown, `Request to ${shown} was aborted.`, {
        cause: err,
      });
    return new HttpClientError('NETWORK', shown, `Request to ${shown} failed: ${reason(err)}`, {
      cause: err,
    });
  };

  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const bytes = await readCapped(response, maxResponseBytes, shown);
    return { status: response.status, json: parseJson(bytes, response.status, shown) };
  } catch (err) {
    controller.abort(); // release the connection if a body is still arriving
    throw failure(err);
  } finally {
    clearTimeout(timer);
    external?.removeEventListener('abort', onAbort);
  }
}

/** A signed JSON request to another node. Non-2xx statuses are returned, not thrown. */
export async function signedRequest(opts: SignedRequestOptions): Promise<JsonResponse> {
  const base = parseHttpUrl(opts.url);
  if ((base.pathname !== '/' && base.pathname !== '') || base.search || base.hash)
    throw new TypeError(
      `url must be the node's base URL (scheme, host and port), not ${JSON.stringify(opts.url)}.`,
    );
  if (!opts.path.startsWith('/')) throw new TypeError('path must start with "/".');
  // Concatenate rather than resolve, so a path like "//host/x" cannot change the host; then sign
  // the path as fetch will send it (percent-encoded, dot segments removed).
  const url = parseHttpUrl(`${base.origin}${opts.path}`);
  if (url.origin !== base.origin || url.hash)
    throw new TypeError(`path ${JSON.stringify(opts.path)} is not a plain path and query.`);
  const path = `${url.pathname}${url.search}`;

  let body = new Uint8Array();
  if (opts.body !== undefined) {
    if (opts.method === 'GET') throw new TypeError('A GET request cannot carry a body.');
    const text = JSON.stringify(opts.body) as string | undefined;
    if (text === undefined) throw new TypeError('The request body is not serializable as JSON.');
    body = encoder.encode(text);
  }

  const headers: Record<string, string> = {
    accept: 'application/json',
    ...signRequest(opts.pair, {
      method: opts.method,
      path,
      body,
      target: opts.target,
    }),
  };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';

  return exchange(
    url,
    {
      method: opts.method,
      headers,
      ...(opts.method === 'POST' ? { body } : {}),
      // A node answers itself; following a redirect would send the request somewhere unsigned for.
      redirect: 'manual',
    },
    opts,
  );
}

/** An unsigned GET of a public JSON endpoint. Non-2xx statuses are returned, not thrown. */
export async function getJson(url: string, opts: HttpOptions = {}): Promise<JsonResponse> {
  return exchange(
    parseHttpUrl(url),
    { method: 'GET', headers: { accept: 'application/json' }, redirect: 'follow' },
    opts,
  );
}

/** Like getJson, for callers that only want a success: a non-2xx status throws (HTTP_STATUS). */
export async function getOkJson(url: string, opts: HttpOptions = {}): Promise<unknown> {
  const res = await getJson(url, opts);
  if (res.status < 200 || res.status >= 300)
    throw new HttpClientError('HTTP_STATUS', url, `${url} answered HTTP ${res.status}`, {
      status: res.status,
    });
  return res.json;
}
