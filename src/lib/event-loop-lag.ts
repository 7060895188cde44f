// Overload is lag that lasts. One long pause of the event loop (starting up, reading a large
// spreadsheet) is over by the time a request could be refused for it, and refusing the first
// requests after it only turns a slow start into errors. So lag counts as overload only when it
// stays over the limit for several consecutive samples.
export class SustainedLag {
  #streak = 0;
  #last = 0;

  constructor(
    /** Lag (ms) over which a sample counts against the process. */
    readonly limitMs: number,
    /** How many consecutive samples over the limit make an overload. */
    readonly samples = 2,
  ) {}

  /** Record one sample: how late (ms) a timer fired. */
  record(lagMs: number): void {
    this.#last = lagMs;
    this.#streak = lagMs > this.limitMs ? this.#streak + 1 : 0;
  }

  get overloaded(): boolean {
    return this.#streak >= this.samples;
  }

  /** The last measured lag in ms, for the log line of a refusal. */
  get lastLagMs(): number {
    return this.#last;
  }
}
