/**
 * Signed requests on a Fastify server, the one way every node reads them (the validator's API,
 * the pool's): bodies are kept as raw bytes (their hash is what the sender signed), a request is
 * checked before its body is parsed, and a refusal is a 4xx answer with a reason and a log line.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log/logger';
import { RequestRejected, verifySignedRequest, type NonceStore } from './signed-request';

/** Makes application/json bodies arrive as bytes (Buffer), for the signature check. */
export function keepJsonBodiesAsBytes(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
}

export type Authenticate = (
  req: FastifyRequest,
  reply: FastifyReply,
  allowed: (hotkey: string) => boolean,
) => string | null;

/**
 * Checks a request's signature, target, time, nonce and sender; returns the sender's hotkey, or
 * null after answering the refusal.
 */
export function signedRequestAuthenticator(o: {
  /** This node's hotkey: requests must be addressed to it. */
  readonly self: string;
  readonly nonces: NonceStore;
  readonly log: Logger;
}): Authenticate {
  return (req, reply, allowed) => {
    if (req.method === 'POST' && !Buffer.isBuffer(req.body)) {
      // Only application/json is read as bytes; any other body would go unsigned.
      void reply
        .code(415)
        .send({ error: 'BAD_BODY', message: 'send the body as application/json' });
      return null;
    }
    const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
    try {
      return verifySignedRequest({
        method: req.method,
        path: req.url,
        headers: req.headers,
        body,
        self: o.self,
        now: Date.now(),
        nonces: o.nonces,
        isRegistered: allowed,
      }).hotkey;
    } catch (err) {
      if (!(err instanceof RequestRejected)) throw err;
      o.log.warn('request rejected', {
        path: req.url,
        code: err.code,
        reason: err.message,
        hotkey: req.headers['x-sota-hotkey'],
        ip: req.ip,
      });
      void reply.code(err.status).send({ error: err.code, message: err.message });
      return null;
    }
  };
}

/** The JSON of a request body kept as bytes; undefined when it is not JSON. */
export function jsonBody(req: FastifyRequest): unknown {
  try {
    return JSON.parse(Buffer.from(req.body as Buffer).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
