import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends every test run with what did not run and one plain line, `N passed, N failed, N skipped`,
 * so CI logs and people read the result the same way. A file that failed to load counts as failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    const notRun = new Map<string, string[]>();
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else {
          skipped += 1;
          const names = notRun.get(module.moduleId) ?? [];
          names.push(test.fullName);
          notRun.set(module.moduleId, names);
        }
      }
    }
    if (notRun.size > 0) {
      console.log('\nNot run here (each file says why when it starts):');
      for (const [file, names] of notRun) {
        console.log(`  ${file.replace(`${process.cwd()}/`, '')}: ${names.length} skipped — ${names[0]}${names.length > 1 ? ' …' : ''}`);
      }
    }
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
