/**
 * Runs one task at a time. A request while the task runs is remembered, not queued: however many
 * arrive, the task runs once more after the current run, and then picks up the newest state itself.
 */
export class CoalescingRunner {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly task: () => Promise<void>) {}

  /** Asks for a run; resolves when a run that started after this request has finished. */
  request(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running.then(() => this.running ?? Promise.resolve());
    }
    this.running = this.loop();
    return this.running;
  }

  /** True while a run is under way. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  private requestedMeanwhile(): boolean {
    return this.again;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.task();
      } while (this.requestedMeanwhile());
    } finally {
      this.running = undefined;
    }
  }
}
