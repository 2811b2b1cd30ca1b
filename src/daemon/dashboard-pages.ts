import type { DaemonState } from './daemon-state.js';

/** What the dashboard is drawn from: the daemon's state and how it was started. */
export interface DashboardInput {
  state: DaemonState;
  /** The env repo (credentials masked), branch, file, GitHub repository. */
  describe: Record<string, string>;
  /** A commit's page on the forge, when one is configured. */
  commitUrl?: (sha: string) => string;
  /** A pull request's page on the forge, when one is configured. */
  pullUrl?: (number: number) => string;
}

/** A file served as it is (the stylesheet, the script). */
export interface Asset {
  type: string;
  body: Buffer;
}

/** The dashboard's pages, drawn from the daemon's state (see src/dashboard). */
export interface DashboardPages {
  /** The whole page. `version` tells the page's script which state it shows. */
  page(input: DashboardInput, version: number): string;
  /** The part the script swaps in when the state changed. */
  content(input: DashboardInput, version: number): string;
  /** The sign-in form of a daemon that requires a read token. */
  login(wrong: boolean): string;
  /** Its files by path (`/dashboard.css`, `/dashboard.js`). */
  assets: ReadonlyMap<string, Asset>;
}

/** The dashboard's pages for the daemon's state now, and the changes of that state. */
export interface DashboardHandlers {
  page(): string;
  content(): string;
  login(wrong: boolean): string;
  assets: ReadonlyMap<string, Asset>;
  /** Counts the state's changes. */
  version(): number;
  /** Calls `listener` after every change of the state; returns how to stop. */
  subscribe(listener: () => void): () => void;
}

/**
 * The listener's dashboard handlers over the state `input` returns; the owner of that state calls
 * `changed()` after every change of it, which tells the event streams.
 */
export function dashboardFeed(
  pages: DashboardPages,
  input: () => DashboardInput,
): { handlers: DashboardHandlers; changed(): void } {
  const watchers = new Set<() => void>();
  let version = 0;
  return {
    handlers: {
      page: () => pages.page(input(), version),
      content: () => pages.content(input(), version),
      login: (wrong) => pages.login(wrong),
      assets: pages.assets,
      version: () => version,
      subscribe: (watcher) => {
        watchers.add(watcher);
        return () => watchers.delete(watcher);
      },
    },
    changed: () => {
      version++;
      for (const watcher of watchers) watcher();
    },
  };
}
