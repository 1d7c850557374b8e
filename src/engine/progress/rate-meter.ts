/** Turns "done so far" into rate and ETA for progress events. */
export class RateMeter {
  private readonly start = performance.now();

  constructor(private readonly total: number) {}

  update(done: number): { done: number; total: number; rate: number; etaSeconds: number } {
    const seconds = (performance.now() - this.start) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const etaSeconds = rate > 0 ? Math.max(0, (this.total - done) / rate) : Number.NaN;
    return { done, total: this.total, rate, etaSeconds };
  }
}
