// Bytes per second over the last few seconds, and the time left at that rate. A window (not the
// average since the start) so the ETA follows a connection that slows down or recovers.

export interface Transfer {
  loaded: number;
  total: number;
  bytesPerSecond: number;
  /** Seconds left at the current rate; null until there is a rate. */
  etaSeconds: number | null;
}

export class TransferRate {
  #samples: { t: number; loaded: number }[] = [];
  constructor(readonly total: number, private windowMs = 5000, private now: () => number = () => performance.now()) {}

  update(loaded: number): Transfer {
    const t = this.now();
    this.#samples.push({ t, loaded });
    while (this.#samples.length > 2 && t - this.#samples[1].t >= this.windowMs) this.#samples.shift();
    const first = this.#samples[0];
    const dt = (t - first.t) / 1000;
    const bytesPerSecond = dt > 0 ? Math.max(0, (loaded - first.loaded) / dt) : 0;
    const etaSeconds = bytesPerSecond > 0 ? Math.max(0, this.total - loaded) / bytesPerSecond : null;
    return { loaded, total: this.total, bytesPerSecond, etaSeconds };
  }
}
