import type { FaultKind, FaultRates, ForcedFault } from '../config/knobs';
import type { Random } from '../random/prng';

// The order in which rates are laid out on [0, 1); fixed so a seed replays the same faults.
const RATE_ORDER: ReadonlyArray<readonly [keyof FaultRates, FaultKind]> = [
  ['serverError', 'server-error'],
  ['rateLimited', 'rate-limited'],
  ['unavailable', 'unavailable'],
  ['reset', 'reset'],
  ['unauthorized', 'unauthorized'],
  ['forbidden', 'forbidden'],
  ['unprocessable', 'unprocessable'],
  ['slow', 'slow'],
  ['lostResponse', 'lost-response'],
];

/**
 * Decides which fault, if any, a request meets. Forced faults for a request id come first and
 * are used up `times` times; otherwise exactly one random draw is made per request, so the
 * sequence of outcomes for a seed does not depend on which rates are zero.
 */
export class FaultPlan {
  readonly #thresholds: ReadonlyArray<readonly [number, FaultKind]>;
  readonly #forced: Readonly<Record<string, ForcedFault>>;
  readonly #random: Random;
  readonly #forcedUses: Map<string, number>;

  /** `forcedUses` is shared across plans, so replacing the rates keeps what was used up. */
  constructor(
    rates: FaultRates,
    forced: Readonly<Record<string, ForcedFault>>,
    random: Random,
    forcedUses: Map<string, number>,
  ) {
    this.#thresholds = cumulative(rates);
    this.#forced = forced;
    this.#random = random;
    this.#forcedUses = forcedUses;
  }

  /** The fault forced for this request id, if one is left; it counts as used. */
  forcedFault(requestId: string | undefined): FaultKind | undefined {
    if (requestId === undefined) return undefined;

    const forced = this.#forced[requestId];
    if (forced === undefined) return undefined;

    const used = this.#forcedUses.get(requestId) ?? 0;
    if (forced.times !== undefined && used >= forced.times) return undefined;

    this.#forcedUses.set(requestId, used + 1);
    return forced.fault;
  }

  /** One draw against the rates. */
  randomFault(): FaultKind | undefined {
    const draw = this.#random();
    for (const [threshold, kind] of this.#thresholds) {
      if (draw < threshold) return kind;
    }
    return undefined;
  }
}

function cumulative(rates: FaultRates): Array<readonly [number, FaultKind]> {
  const thresholds: Array<readonly [number, FaultKind]> = [];
  let sum = 0;
  for (const [name, kind] of RATE_ORDER) {
    if (rates[name] <= 0) continue;

    sum += rates[name];
    thresholds.push([sum, kind]);
  }
  return thresholds;
}
