import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one closing line, `tests: N passed, N failed, N skipped`, after vitest's own summary, so
 * that a CI log can be read for the counts without knowing vitest's format; a test file that
 * failed outside its tests (it did not load, or a hook threw) is counted there too.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    let broken = 0;
    for (const module of testModules) {
      const failedBefore = counts.failed;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      if (module.state() === 'failed' && counts.failed === failedBefore) broken++;
    }
    const files = broken > 0 ? `, ${broken} test files failed outside their tests` : '';
    process.stdout.write(
      `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${files}\n`,
    );
  }
}
