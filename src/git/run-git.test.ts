import { describe, expect, it } from 'vitest';

import { failure, type GitContext } from './run-git.js';

const context: GitContext = { cwd: '/r', env: {}, config: [], secrets: ['hunter22'] };

describe('failure', () => {
  it('names the command, keeps git words without hints, and hides credentials', () => {
    const error = failure(context, 'fetch', {
      stdout: '',
      stderr:
        "fatal: unable to access 'https://bot:hunter22@h/x.git/': Failed to connect\n" +
        'hint: try again\nerror: token hunter22 refused\n',
      exitCode: 128,
    });
    expect(error).toMatchObject({ name: 'GitError', kind: 'unreachable', retryable: true });
    expect(error.message).toBe(
      "git fetch failed: fatal: unable to access 'https://***@h/x.git/': Failed to connect / " +
        'error: token *** refused',
    );
    expect(error.stderr).not.toContain('hunter22');
  });

  it('says the exit code when git said nothing', () => {
    expect(failure(context, 'push', { stdout: '', stderr: '', exitCode: 1 }).message).toBe(
      'git push failed: exit code 1',
    );
  });
});
