/** Exit codes of every dockstack command. */
export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Ends a command with an exit code; its message (if any) has already been printed or is printed by main. */
export class ExitError extends Error {
  constructor(
    readonly code: ExitCode,
    message = '',
  ) {
    super(message);
    this.name = 'ExitError';
  }
}
