import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SIGNED_HEADERS } from '../../shared/protocol/request';
import { HttpClientError, getJson, signedRequest } from './http-client';
import { RequestRejected, verifySignedRequest, type NonceStore } from './signed-request';

let alice: KeyringPair;
let validator: KeyringPair;
let server: Server;
let base: string;

const seen = new Set<string>();
const nonces: NonceStore = {
  remember: (hotkey, nonce) => {
    const key = `${hotkey}/${nonce}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  },
};

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const route = url.split('?')[0];
  if (route === '/echo' || route === '/dir/echo') {
    const body = await readBody(req);
    try {
      const who = verifySignedRequest({
        method: req.method ?? '',
        path: url,
        headers: req.headers,
        body,
        self: validator.address,
        now: Date.now(),
        nonces,
      });
      send(res, 200, {
        hotkey: who.hotkey,
        method: req.method,
        path: url,
        contentType: req.headers['content-type'] ?? null,
        body: Buffer.from(body).toString('utf8'),
      });
    } catch (err) {
      if (!(err instanceof RequestRejected)) throw err;
      send(res, err.status, { code: err.code, message: err.message });
    }
    return;
  }
  switch (route) {
    case '/public':
      return send(res, 200, { hello: 'world', accept: req.headers['accept'] });
    case '/slow':
      setTimeout(() => send(res, 200, { late: true }), 5_000).unref();
      return;
    case '/slow-body':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      return; // never finishes
    case '/huge-chunked': {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = `"${'x'.repeat(64 * 1024)}",`;
      res.write('[');
      for (let i = 0; i < 40; i++) res.write(chunk); // ≈ 2.6 MB
      res.end('"end"]');
      return;
    }
    case '/huge-declared': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 5_000_000 });
      res.write('[');
      return; // the header alone must be enough to refuse
    }
    case '/gzip-bomb': {
      const packed = gzipSync(Buffer.from(JSON.stringify('0'.repeat(4_000_000))));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(packed);
      return;
    }
    case '/html':
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
      return;
    case '/empty':
      res.writeHead(204).end();
      return;
    case '/error':
      return send(res, 500, { error: 'boom' });
    case '/redirect':
      res.writeHead(307, { location: '/echo' }).end();
      return;
    default:
      return send(res, 404, { error: 'not found' });
  }
}

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  validator = keyring.addFromUri('//Charlie');
  server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function caught(promise: Promise<unknown>): Promise<HttpClientError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpClientError);
    return err as HttpClientError;
  }
  throw new Error('expected the request to fail');
}

describe('signedRequest', () => {
  it('POSTs the signed JSON body, which the receiver verifies', async () => {
    const body = { track: 'cifar10', program: 'def Setup():\n  s1 = 0.5', n: 1.5, é: 'ü' };
    const res = await signedRequest({
      url: base,
      path: '/echo',
      method: 'POST',
      body,
      pair: alice,
      target: validator.address,
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      hotkey: alice.address,
      method: 'POST',
      path: '/echo',
      contentType: 'application/json',
      body: JSON.stringify(body),
    });
  });

  it('signs a GET with a query, with the path as fetch sends it', async () => {
    const res = await signedRequest({
      url: `${base}/`,
      path: '/dir/../echo?round=3&q=a b',
      method: 'GET',
      pair: alice,
      target: validator.address,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ method: 'GET', path: '/echo?round=3&q=a%20b', body: '' });
  });

  it("returns the receiver's rejection as a status, not an error", async () => {
    const res = await signedRequest({
      url: base,
      path: '/echo',
      method: 'POST',
      body: { x: 1 },
      pair: alice,
      target: alice.address, // not the receiver
    });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ code: 'WRONG_TARGET' });
  });

  it('does not follow redirects', async () => {
    const res = await signedRequest({
      url: base,
      path: '/redirect',
      method: 'POST',
      body: {},
      pair: alice,
      target: validator.address,
    });
    expect(res).toEqual({ status: 307, json: null });
  });

  it('refuses bad arguments before sending anything', async () => {
    const common = { method: 'POST' as const, pair: alice, target: validator.address };
    await expect(signedRequest({ ...common, url: `${base}/api`, path: '/echo' })).rejects.toThrow(
      /base URL/,
    );
    await expect(signedRequest({ ...common, url: base, path: 'echo' })).rejects.toThrow(/path/);
    await expect(
      signedRequest({ ...common, url: base, path: '//evil.example/echo' }),
    ).resolves.toMatchObject({ status: 404 }); // stays on our host
    await expect(
      signedRequest({ ...common, method: 'GET', url: base, path: '/echo', body: {} }),
    ).rejects.toThrow(/GET/);
    await expect(
      signedRequest({ ...common, url: base, path: '/echo', body: () => 1 }),
    ).rejects.toThrow(/JSON/);
    await expect(signedRequest({ ...common, url: 'ftp://x', path: '/echo' })).rejects.toThrow(
      /http/,
    );
  });

  it('times out with the URL and the timeout in the message', async () => {
    const started = Date.now();
    const err = await caught(
      signedRequest({
        url: base,
        path: '/slow',
        method: 'POST',
        body: {},
        pair: alice,
        target: validator.address,
        timeoutMs: 200,
      }),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain(`${base}/slow`);
    expect(err.message).toContain('200 ms');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('getJson', () => {
  it('fetches a public JSON endpoint', async () => {
    expect(await getJson(`${base}/public`)).toEqual({
      status: 200,
      json: { hello: 'world', accept: 'application/json' },
    });
    expect(await getJson(`${base}/error`)).toEqual({ status: 500, json: { error: 'boom' } });
    expect(await getJson(`${base}/empty`)).toEqual({ status: 204, json: null });
  });

  it('times out while the body is still arriving', async () => {
    const err = await caught(getJson(`${base}/slow-body`, { timeoutMs: 200 }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('/slow-body');
  });

  it('refuses a response over the size cap, streamed or declared', async () => {
    const streamed = await caught(getJson(`${base}/huge-chunked`));
    expect(streamed.code).toBe('TOO_LARGE');
    expect(streamed.message).toContain('/huge-chunked');
    const declared = await caught(getJson(`${base}/huge-declared`, { timeoutMs: 2_000 }));
    expect(declared.code).toBe('TOO_LARGE');
    const small = await caught(getJson(`${base}/public`, { maxResponseBytes: 10 }));
    expect(small.code).toBe('TOO_LARGE');
    // The cap applies to the decompressed bytes.
    const bomb = await caught(getJson(`${base}/gzip-bomb`));
    expect(bomb.code).toBe('TOO_LARGE');
  });

  it('refuses a body that is not JSON, saying what came back', async () => {
    const err = await caught(getJson(`${base}/html`));
    expect(err.code).toBe('NOT_JSON');
    expect(err.status).toBe(502);
    expect(err.message).toContain('HTTP 502');
    expect(err.message).toContain('Bad Gateway');
  });

  it('reports a refused connection with the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await caught(getJson(`http://127.0.0.1:${port}/x`));
    expect(err.code).toBe('NETWORK');
    expect(err.message).toContain(`http://127.0.0.1:${port}/x`);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('can be aborted by the caller', async () => {
    const controller = new AbortController();
    const pending = caught(getJson(`${base}/slow`, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect((await pending).code).toBe('ABORTED');
    const already = AbortSignal.abort();
    expect((await caught(getJson(`${base}/public`, { signal: already }))).code).toBe('ABORTED');
  });

  it('refuses URLs with credentials without repeating them', async () => {
    const err = await getJson(`${base.replace('://', '://user:secret@')}/public`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/password/);
    expect((err as Error).message).not.toContain('secret');
  });
});

describe('signature header sanity', () => {
  it('sends all five signed headers', async () => {
    const headers = await new Promise<IncomingMessage['headers']>((resolve, reject) => {
      const probe = createServer((req, res) => {
        resolve(req.headers);
        res.writeHead(204).end();
      });
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        signedRequest({
          url: `http://127.0.0.1:${port}`,
          path: '/x',
          method: 'GET',
          pair: alice,
          target: validator.address,
        })
          .catch(reject)
          .finally(() => {
            probe.closeAllConnections();
            probe.close();
          });
      });
    });
    for (const name of Object.values(SIGNED_HEADERS)) expect(headers[name]).toBeTruthy();
  });
});
