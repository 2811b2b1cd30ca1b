import type { CommitChange, CommitInfo } from '../git/env-repo.js';

/** What the pass needs of the env repo. */
export interface PassRepo {
  /** Fetches the followed branch; its head. */
  fetch(): Promise<string>;
  firstParentLog(head: string, since?: string, limit?: number): Promise<CommitInfo[]>;
  readFile(commit: string, path: string): Promise<string | undefined>;
  /** Every file under the folder `path` at a commit, by its path below it; see EnvRepo. */
  readFolder(commit: string, path: string): Promise<ReadonlyMap<string, string> | undefined>;
  findLastTrailer(head: string, key: string): Promise<CommitInfo | undefined>;
  /** Why `commit` is not the bot's own; undefined when it is (see EnvRepo.whyNotOwn). */
  whyNotOwn(commit: CommitInfo): Promise<string | undefined>;
  /** True when `ancestor` is a commit and an ancestor of `descendant` (see EnvRepo). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /**
   * Commits what `change` makes of the branch's head as the bot and pushes it (fast-forward
   * only); when someone pushed meanwhile, does it again on the new head. The sha pushed, or
   * undefined when nothing changes. `head`: the branch's head as this pass fetched it, built on
   * without fetching again (the push tells whether it still is).
   */
  writeBack(
    change: (head: string) => Promise<CommitChange | undefined>,
    head?: string,
  ): Promise<string | undefined>;
}
