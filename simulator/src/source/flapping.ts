import type { FlapKnob } from '../config/knobs';

/**
 * Alternates a source between up (`upMs`) and refusing connections (`downMs`), starting up.
 * Connections are refused by the kernel, so this is the only way to play refused connections
 * at a rate: a refusal happens before any request, so it cannot be drawn per request.
 */
export class Flapping {
  readonly #spec: FlapKnob;
  readonly #toggle: (down: boolean) => void;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  /** `toggle(true)` takes the source down, `toggle(false)` brings it up. */
  constructor(spec: FlapKnob, toggle: (down: boolean) => void) {
    this.#spec = { ...spec };
    this.#toggle = toggle;
  }

  /** Starts the cycle with the source up. */
  start(): void {
    if (this.#running) return;

    this.#running = true;
    this.#schedule(false);
  }

  /** Ends the cycle; the caller decides the state the source is left in. */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  #schedule(down: boolean): void {
    const delayMs = down ? this.#spec.downMs : this.#spec.upMs;
    this.#timer = setTimeout(() => {
      if (!this.#running) return;

      this.#toggle(!down);
      this.#schedule(!down);
    }, delayMs);
    this.#timer.unref();
  }
}
