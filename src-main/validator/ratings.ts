/**
 * Ratings for every miner and validator (Glicko-2, the `glicko2` library), recomputed from the
 * signed receipts alone, so anyone holding the receipts gets the same numbers. Each round of
 * hidden tasks is one rating period.
 *
 * - Miners: each claim judged in a round is a match between the challenger's miner and the
 *   holder's (the genesis program plays as "genesis"); the challenger's score is the share of the
 *   validators that judged it who accepted it (1: it cleared the margin everywhere).
 * - Validators: each claim whose verdict the stake settled (accepted by a quorum, or rejected by
 *   one) is a match against the quorum itself, a reference player held at a fixed rating; a
 *   validator that agreed wins it. A validator that judged nothing in a round plays no match: its
 *   rating stands and its deviation grows (it gains nothing by being offline).
 */
import { Glicko2, type Match, type Player } from 'glicko2';
import { tally, type ValidatorWeight } from '../../shared/protocol/quorum';
import type { Receipt } from '../../shared/protocol/receipt';

/** The genesis holder, as a player: claims against it are matches too. */
export const GENESIS_PLAYER = 'genesis';
const SETTINGS = { tau: 0.5, rating: 1500, rd: 350, vol: 0.06 } as const;
/** The quorum as an opponent: a fixed, well-known rating. */
const QUORUM = { rating: 1500, rd: 30, vol: 0.06 } as const;

export interface Rating {
  /** A hotkey, or GENESIS_PLAYER. */
  readonly player: string;
  /** Glicko scale: 1500 for a newcomer; a 400-point lead means about 10:1 odds. */
  readonly rating: number;
  /** Rating deviation: the 95% interval is about rating ± 2 · rd; 350 knows nothing yet. */
  readonly rd: number;
  readonly volatility: number;
  readonly matches: number;
  /** Matches won outright (score 1). */
  readonly wins: number;
}

export interface Ratings {
  readonly miners: readonly Rating[];
  readonly validators: readonly Rating[];
  /** Rounds (rating periods) with at least one receipt. */
  readonly rounds: number;
  readonly receipts: number;
}

export interface RatingInput {
  /** Checked receipts (signatures verified), in any order. */
  readonly receipts: Iterable<Receipt>;
  /** The miner that held `digest` when it was the holder, null for the genesis program. */
  readonly holderMiner: (digest: string) => string | null;
  /** The validator set and stake by which quorums are tallied. */
  readonly validators: readonly ValidatorWeight[];
  readonly quorum: number;
}

interface Tracked {
  readonly player: Player;
  matches: number;
  wins: number;
}

export function computeRatings(input: RatingInput): Ratings {
  const byRound = new Map<number, Map<string, Receipt[]>>();
  let count = 0;
  for (const r of input.receipts) {
    count++;
    const claims = byRound.get(r.round) ?? new Map<string, Receipt[]>();
    byRound.set(r.round, claims);
    const key = `${r.digest}|${r.miner}|${r.holderDigest}`;
    const list = claims.get(key);
    if (list) list.push(r);
    else claims.set(key, [r]);
  }
  const weights = stakeShares(input.validators);
  const glicko = new Glicko2(SETTINGS);
  const miners = new Map<string, Tracked>();
  const validators = new Map<string, Tracked>();
  const quorum = glicko.makePlayer(QUORUM.rating, QUORUM.rd, QUORUM.vol);
  const playerIn = (table: Map<string, Tracked>, id: string): Tracked => {
    let t = table.get(id);
    if (!t) table.set(id, (t = { player: glicko.makePlayer(), matches: 0, wins: 0 }));
    return t;
  };
  const play = (a: Tracked, b: Tracked | null, opponent: Player, score: number, out: Match[]) => {
    out.push([a.player, opponent, score]);
    a.matches++;
    if (score === 1) a.wins++;
    if (b) {
      b.matches++;
      if (score === 0) b.wins++;
    }
  };

  for (const round of [...byRound.keys()].sort((a, b) => a - b)) {
    const matches: Match[] = [];
    // Claims in a fixed order, so a round's matches never depend on how receipts arrived.
    const claims = [...byRound.get(round)!.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [, receipts] of claims) {
      const first = receipts[0]!;
      // One verdict per validator: its latest, as the quorum rule counts it.
      const latest = new Map<string, Receipt>();
      for (const r of receipts) {
        const seen = latest.get(r.validator);
        if (!seen || r.issuedAt > seen.issuedAt) latest.set(r.validator, r);
      }
      const verdicts = [...latest.values()];
      const accepted = verdicts.filter((r) => r.verdict === 'accept').length;
      const holder = input.holderMiner(first.holderDigest) ?? GENESIS_PLAYER;
      if (holder !== first.miner) {
        const challenger = playerIn(miners, first.miner);
        const held = playerIn(miners, holder);
        play(challenger, held, held.player, accepted / verdicts.length, matches);
      }
      const t = tally(verdicts, input.validators, first.digest, first.holderDigest, input.quorum);
      const rejectedShare = t.rejecting.reduce((sum, v) => sum + (weights.get(v) ?? 0), 0);
      const settled = t.reached ? 'accept' : rejectedShare >= input.quorum - 1e-9 ? 'reject' : null;
      if (!settled) continue;
      for (const r of verdicts)
        if (weights.has(r.validator))
          play(
            playerIn(validators, r.validator),
            null,
            quorum,
            r.verdict === settled ? 1 : 0,
            matches,
          );
    }
    glicko.updateRatings(matches);
    // The reference stays where it is: it measures, it does not compete.
    quorum.setRating(QUORUM.rating);
    quorum.setRd(QUORUM.rd);
    quorum.setVol(QUORUM.vol);
  }
  return {
    miners: ranked(miners),
    validators: ranked(validators),
    rounds: byRound.size,
    receipts: count,
  };
}

/** Each validator's share of the stake (each counts equally while no validator has stake). */
function stakeShares(validators: readonly ValidatorWeight[]): Map<string, number> {
  const total = validators.reduce((sum, v) => sum + v.stake, 0n);
  return new Map(
    validators.map((v) => [
      v.hotkey,
      total > 0n ? Number(v.stake) / Number(total) : 1 / validators.length,
    ]),
  );
}

function ranked(table: Map<string, Tracked>): Rating[] {
  return [...table.entries()]
    .map(([player, t]) => ({
      player,
      rating: round2(t.player.getRating()),
      rd: round2(t.player.getRd()),
      volatility: +t.player.getVol().toFixed(6),
      matches: t.matches,
      wins: t.wins,
    }))
    .sort((a, b) => b.rating - a.rating || (a.player < b.player ? -1 : 1));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** How often served ratings are recomputed at most: a request never costs more than a lookup. */
export const RATINGS_EVERY_MS = 30_000;

/** Ratings as served: computed from `input()` at most once per `everyMs`, whoever asks. */
export class RatingsBook {
  private cached: { at: number; ratings: Ratings } | null = null;

  constructor(
    private readonly input: () => RatingInput,
    private readonly everyMs = RATINGS_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  current(): { computedAt: number; ratings: Ratings } {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.everyMs)
      this.cached = { at: now, ratings: computeRatings(this.input()) };
    return { computedAt: this.cached.at, ratings: this.cached.ratings };
  }
}
