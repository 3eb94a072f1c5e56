/**
 * Types for the parts of `glicko2` (mmai/glicko2js, plain JavaScript, no types of its own) that
 * ratings.ts uses. Ratings are on the Glicko scale (1500 for a newcomer), deviations likewise.
 */
declare module 'glicko2' {
  export interface Glicko2Settings {
    /** Constrains the change of volatility over time (0.3–1.2 per Glickman; 0.5 by default). */
    tau?: number;
    rating?: number;
    rd?: number;
    vol?: number;
  }
  export interface Player {
    getRating(): number;
    setRating(rating: number): void;
    getRd(): number;
    setRd(rd: number): void;
    getVol(): number;
    setVol(vol: number): void;
  }
  /** [player, opponent, outcome for the player: 1 a win, 0 a loss, in between a share]. */
  export type Match = [Player, Player, number];
  export class Glicko2 {
    constructor(settings?: Glicko2Settings);
    makePlayer(rating?: number, rd?: number, vol?: number): Player;
    /** One rating period: every player's new rating from this period's matches at once. */
    updateRatings(matches: Match[]): void;
  }
}
