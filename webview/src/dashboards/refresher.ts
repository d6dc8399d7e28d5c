/**
 * Runs `work` when asked, never two at once, and at most once per `minGapMs`: while a run logs
 * hundreds of metrics a second, the dashboard fetches again as soon as the previous fetch is done
 * and the gap has passed, once, however many changes arrived meanwhile.
 */
export class Refresher {
  private running = false;
  private again = false;
  private lastStart = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly minGapMs = 150,
  ) {}

  request(): void {
    if (this.running || this.timer !== undefined) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + this.minGapMs - performance.now();
    if (wait > 0) this.timer = setTimeout(() => this.start(), wait);
    else this.start();
  }

  private start(): void {
    this.timer = undefined;
    this.running = true;
    this.again = false;
    this.lastStart = performance.now();
    void this.work()
      .catch(() => undefined)
      .finally(() => {
        this.running = false;
        if (this.again) this.request();
      });
  }
}
