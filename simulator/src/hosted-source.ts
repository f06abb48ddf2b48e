import type { Logger } from '@dsr/shared';
import type { FlapKnob, SourceKnobs } from './config/knobs';
import type { SourceListener } from './http/source-listener';
import { Flapping } from './source/flapping';
import type { OutageMode, SourceSystem } from './source/source-system';

/**
 * A source system as the simulator hosts it: its state, its own listener, and the cycle of its
 * `flap` knob. The listener is open exactly when the source does not refuse connections, and
 * opens and closes one transition at a time.
 */
export class HostedSource {
  readonly system: SourceSystem;
  readonly listener: SourceListener;
  readonly #logger: Logger;
  #flapping: Flapping | undefined;
  #syncing: Promise<void> = Promise.resolve();

  constructor(system: SourceSystem, listener: SourceListener, logger: Logger) {
    this.system = system;
    this.listener = listener;
    this.#logger = logger;
  }

  get name(): string {
    return this.system.name;
  }

  /** Opens the listener and starts the flap cycle, if the knob is set. */
  async open(): Promise<void> {
    await this.listener.open();
    this.#applyFlap(null);
  }

  /** Replaces the knobs; a changed `flap` knob restarts its cycle with the source up. */
  reconfigure(knobs: SourceKnobs, nowMs: number): void {
    const previousFlap = this.system.knobs.flap;
    this.system.reconfigure(knobs, nowMs);
    this.#applyFlap(previousFlap);
  }

  /** Sets or clears the outage set by hand, and waits until the listener follows. */
  setOutage(mode: OutageMode | undefined): Promise<void> {
    this.system.setOutage(mode);
    return this.#syncListener();
  }

  /** Stops the flap cycle and the listener, after any transition under way. */
  async close(): Promise<void> {
    this.#flapping?.stop();
    this.#flapping = undefined;
    await this.#syncing;
    await this.listener.close();
  }

  #applyFlap(previous: FlapKnob | null): void {
    const flap = this.system.knobs.flap;
    if (JSON.stringify(flap) === JSON.stringify(previous)) return;

    this.#flapping?.stop();
    this.#flapping = undefined;
    this.#setFlappedDown(false);
    if (flap === null) return;

    this.#flapping = new Flapping(flap, (down) => this.#setFlappedDown(down));
    this.#flapping.start();
  }

  #setFlappedDown(down: boolean): void {
    this.system.setFlappedDown(down);
    this.#syncListener().catch((error: unknown) => {
      this.#logger.warn({ source_system: this.name, err: error }, 'source listener missed a flap');
    });
  }

  // A failed transition is reported to its caller and does not stop the next one.
  #syncListener(): Promise<void> {
    const step = this.#syncing.then(() =>
      this.system.outage === 'refuse' ? this.listener.close() : this.listener.open(),
    );
    this.#syncing = step.then(
      () => undefined,
      () => undefined,
    );
    return step;
  }
}
