/** Undo steps of a benchmark, for its `finally` and its signal handlers alike. */
export interface CleanupStack {
  add(step: () => unknown): void;
  /** Runs every step once, last added first, each even when one before it failed. */
  run(): Promise<void>;
}

/** A stack whose failing steps are reported on stderr, prefixed with `label`. */
export function cleanupStack(label: string): CleanupStack {
  const steps: (() => unknown)[] = [];
  let running: Promise<void> | undefined;
  const runAll = async (): Promise<void> => {
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(
          `${label}: cleanup: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  };
  return {
    add: (step) => {
      steps.push(step);
    },
    run: () => (running ??= runAll()),
  };
}
