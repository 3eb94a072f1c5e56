/**
 * What the node shows of the network: the chain's status (`chain.status`, watched from the first
 * time the UI asks), the pools announced on the subnet (`pool.discover`), the record and its
 * history from the validators (`sota.leaderboard`) and a watched validator's dashboard
 * (`validator.status`). Each answer from a peer is checked against a schema before the UI sees it.
 */
import { z } from 'zod';
import { DEFAULT_MAX_DSL_BYTES } from '../../shared/algorithm/dsl';
import type { Leaderboard, PoolListingView } from '../../shared/ipc/contract';
import { ValidatorStatusSchema } from '../../shared/protocol/validator-status';
import { TracksAnswerSchema, checkAnnouncedTrack } from '../../shared/protocol/track';
import { axonUrl, hasReachableAxon, isValidator } from '../chain/metagraph';
import { getOkJson } from '../net/http-client';
import { discoverPools, listingView } from '../pool/discover';
import { ChainWatch } from './chain-watch';
import { CHAIN_TIMEOUT_MS, type Handlers, type NodeContext } from './node-context';

export type NetworkCommand =
  'chain.status' | 'pool.discover' | 'sota.leaderboard' | 'validator.status';

/** How long a validator gets to answer the leaderboard or its status. */
const PEER_TIMEOUT_MS = 5000;

/** What a validator's GET /v1/leaderboard holds for the UI; anything else is ignored. */
const LeaderboardAnswer = z.object({
  /** The track the record is held on (its id); absent from validators of earlier releases. */
  track: z.string().max(100).optional(),
  holder: z
    .object({
      digest: z.string().max(128),
      miner: z.string().max(128).nullable(),
      program: z.string().max(DEFAULT_MAX_DSL_BYTES),
      since: z.number().nullable(),
    })
    .nullable(),
  history: z.array(
    z.object({
      digest: z.string().max(128),
      miner: z.string().max(128),
      becameAt: z.number(),
      challengerScore: z.number(),
      holderScore: z.number(),
      share: z.number(),
      receipts: z.array(z.unknown()),
    }),
  ),
});

/** Ratings listed on the Leaderboard, of miners and of validators each (the best first). */
const MAX_RATINGS_SHOWN = 200;
/** What a validator's GET /v1/ratings holds for the UI; anything else is ignored. */
const RatingRow = z.object({
  player: z.string().max(128),
  rating: z.number(),
  rd: z.number(),
  matches: z.number().int().min(0),
  wins: z.number().int().min(0),
});
const RatingsAnswer = z.object({
  miners: z.array(RatingRow).transform((rows) => rows.slice(0, MAX_RATINGS_SHOWN)),
  validators: z.array(RatingRow).transform((rows) => rows.slice(0, MAX_RATINGS_SHOWN)),
});
const NO_LEADERBOARD: Leaderboard = {
  source: null,
  track: null,
  holder: null,
  history: [],
  ratings: null,
};

export class NetworkViews {
  /** The node's line to the chain, started when the UI first asks (see watch). */
  private chainWatch: ChainWatch | null = null;

  constructor(private readonly ctx: NodeContext) {}

  readonly handlers: Handlers<NetworkCommand> = {
    'chain.status': async () => this.watch().current(),
    'pool.discover': async () => this.discoverPools(),
    'sota.leaderboard': async () => this.leaderboard(),
    'validator.status': async () => {
      const url = this.ctx.o.validatorUrl;
      if (url === undefined) return null;
      const body = await getOkJson(`${url}/v1/status`, { timeoutMs: PEER_TIMEOUT_MS });
      return ValidatorStatusSchema.parse(body);
    },
  };

  /** The network changed in Settings: watch the new one, if anyone was watching the old one. */
  networkChanged(): void {
    if (!this.chainWatch) return;
    void this.chainWatch.stop();
    this.chainWatch = null;
    this.ctx.emit('chain.status', this.watch().current());
  }

  async close(): Promise<void> {
    await this.chainWatch?.stop();
  }

  /** The chain watch for the current network, started on first use. */
  private watch(): ChainWatch {
    this.chainWatch ??= new ChainWatch({
      network: this.ctx.network ?? null,
      log: this.ctx.log.child('chain-watch'),
      connectTimeoutMs: this.ctx.o.chainTimeoutMs ?? CHAIN_TIMEOUT_MS,
      onChange: (status) => this.ctx.emit('chain.status', status),
    });
    return this.chainWatch;
  }

  private async discoverPools(): Promise<PoolListingView[]> {
    const { netuid } = this.ctx.requireNetwork();
    return this.ctx.withChain(async (client) =>
      (await discoverPools(client, netuid, this.ctx.log.child('pool'))).map(listingView),
    );
  }

  /** The leaderboard of the validator with the most stake that answers with one. */
  private async leaderboard(): Promise<Leaderboard> {
    const { network, netuid } = this.ctx;
    if (!network || netuid === undefined) return NO_LEADERBOARD;
    return this.ctx.withChain(async (client) => {
      const mg = await client.metagraph(netuid);
      const urls = mg.neurons
        .filter(isValidator)
        .filter(hasReachableAxon)
        .sort((a, b) => (b.stake > a.stake ? 1 : b.stake < a.stake ? -1 : 0))
        .map((n) => axonUrl(n.axon));
      for (const url of urls) {
        try {
          const body = LeaderboardAnswer.parse(
            await getOkJson(`${url}/v1/leaderboard`, { timeoutMs: PEER_TIMEOUT_MS }),
          );
          // Ratings come from the same validator; one that serves none still has a leaderboard.
          const ratings = await getOkJson(`${url}/v1/ratings`, { timeoutMs: PEER_TIMEOUT_MS })
            .then((r) => RatingsAnswer.parse(r))
            .catch((err: unknown) => {
              this.ctx.log.debug('no ratings from this validator', { url, error: String(err) });
              return null;
            });
          const track = await getOkJson(`${url}/v1/tracks`, { timeoutMs: PEER_TIMEOUT_MS })
            .then((r) => announcedTrack(r, body.track))
            .catch((err: unknown) => {
              this.ctx.log.debug('no track from this validator', { url, error: String(err) });
              return null;
            });
          return {
            source: url,
            track,
            ratings,
            holder: body.holder,
            history: body.history.map(({ receipts, ...h }) => ({
              ...h,
              validators: receipts.length,
            })),
          };
        } catch (err) {
          this.ctx.log.debug('no leaderboard from this validator', { url, error: String(err) });
        }
      }
      return NO_LEADERBOARD;
    });
  }
}

/**
 * The track a validator's GET /v1/tracks announces under the id its leaderboard names (the first
 * valid one when it names none), if its content matches its digest.
 */
function announcedTrack(body: unknown, id: string | undefined): Leaderboard['track'] {
  for (const listed of TracksAnswerSchema.parse(body).tracks) {
    const check = checkAnnouncedTrack(listed);
    if (check.ok && (id === undefined || check.track.id === id))
      return { id: check.track.id, task: check.track.task };
  }
  return null;
}
