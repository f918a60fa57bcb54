/**
 * Counts events and reports them once per window: the first event opens a window of `windowMs`,
 * and when it closes `report` gets how many came in it. A flood of refused connections is then
 * one log line every `windowMs`, not one per connection.
 */
export class BurstCount {
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly report: (count: number) => void,
  ) {}

  add(): void {
    this.count += 1;
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref(); // a report pending must not keep a stopping process alive
    }
  }

  /** Reports what the open window counted now, and closes it. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const { count } = this;
    this.count = 0;
    if (count > 0) {
      this.report(count);
    }
  }
}
