import type { CommitInfo } from './env-repo.js';
import type { Person } from './git-input.js';
import type { GitContext, RunOptions } from './run-git.js';
import { runGitOk } from './run-git.js';
import type { SigningKey } from './signing-key.js';

/** The working clone's file that tells git which key the bot signs with. */
export const ALLOWED_SIGNERS = 'dockstack-allowed-signers';

/** Who the bot is: the identity it commits as and, where it signs, its key. */
export interface BotIdentity {
  person: Person;
  key?: SigningKey;
}

/**
 * Why `commit` is not the bot's own, or undefined when it is: its author and its committer are
 * the bot's identity and, where the bot signs, git verifies its signature (`%G?` good) by the
 * bot's key, as the working clone's ALLOWED_SIGNERS file names it (gpg.ssh.allowedSignersFile).
 * Runs git only to verify a signature.
 */
export async function whyNotOwn(
  context: GitContext,
  run: RunOptions,
  bot: BotIdentity,
  commit: Pick<CommitInfo, 'sha' | 'author' | 'committer'>,
): Promise<string | undefined> {
  const expected = describePerson(bot.person);
  for (const role of ['author', 'committer'] as const) {
    const person = commit[role];
    if (person.name !== bot.person.name || person.email !== bot.person.email) {
      return `its ${role} is ${describePerson(person)}, not ${expected}`;
    }
  }
  const key = bot.key;
  if (key === undefined) return undefined;
  const [status = '', fingerprint = ''] = (
    await runGitOk(
      context,
      ['log', '-1', '--no-walk', '--format=%G?%x00%GF', '--end-of-options', commit.sha, '--'],
      run,
    )
  )
    .trim()
    .split('\0');
  if (status === 'N') return `it is not signed (the bot signs with ${key.fingerprint})`;
  if (status !== 'G' || fingerprint !== key.fingerprint) {
    return `its signature does not verify by the bot's key ${key.fingerprint}`;
  }
  return undefined;
}

/** `Name <email>`, cut short and on one line, for messages. */
function describePerson(person: Pick<Person, 'name' | 'email'>): string {
  // eslint-disable-next-line no-control-regex
  const text = `${person.name} <${person.email}>`.replace(/[\x00-\x1f\x7f]/g, ' ');
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
