/**
 * Runs `work` for one pull request at a time. A pull request asked for again while queued is
 * not queued twice; asked for while its work runs, it runs once more afterwards, so the newest
 * head is always the one planned last.
 */
export class PullRequestQueue {
  private readonly waiting = new Map<number, string>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly work: (number: number, headSha: string) => Promise<void>,
    private readonly onError: (number: number, error: unknown) => void,
  ) {}

  request(number: number, headSha: string): void {
    this.waiting.set(number, headSha);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.waiting.entries().next();
      if (next.done === true) return;
      const [number, headSha] = next.value;
      this.waiting.delete(number);
      try {
        await this.work(number, headSha);
      } catch (error) {
        this.onError(number, error);
      }
    }
  }
}
