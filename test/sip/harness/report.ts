/** What test:sip did: each scenario passed, failed (with why) or was not run (with why). */
export type Outcome = { status: 'passed'; detail?: string } | { status: 'failed'; why: string } | { status: 'notRun'; why: string };

export interface ScenarioResult {
  name: string;
  outcome: Outcome;
}

export class Report {
  readonly results: ScenarioResult[] = [];

  passed(name: string, detail?: string): void {
    this.results.push({ name, outcome: { status: 'passed', ...(detail ? { detail } : {}) } });
    console.log(`test:sip:   passed: ${name}${detail ? ` (${detail})` : ''}`);
  }

  failed(name: string, why: string): void {
    this.results.push({ name, outcome: { status: 'failed', why } });
    console.log(`test:sip:   FAILED: ${name} — ${why}`);
  }

  notRun(name: string, why: string): void {
    this.results.push({ name, outcome: { status: 'notRun', why } });
  }

  /** Runs one scenario: its checks throw to fail it; any other error fails it with the message. */
  async run(name: string, scenario: () => Promise<string | void>): Promise<boolean> {
    console.log(`test:sip: ${name}…`);
    try {
      const detail = await scenario();
      this.passed(name, detail || undefined);
      return true;
    } catch (error) {
      this.failed(name, (error as Error).message);
      return false;
    }
  }

  get anyFailed(): boolean {
    return this.results.some((r) => r.outcome.status === 'failed');
  }

  print(against: string): void {
    console.log(`\ntest:sip results against ${against}:`);
    for (const { name, outcome } of this.results) {
      if (outcome.status === 'passed') console.log(`  passed:  ${name}${outcome.detail ? ` — ${outcome.detail}` : ''}`);
      else if (outcome.status === 'failed') console.log(`  FAILED:  ${name} — ${outcome.why}`);
      else console.log(`  NOT RUN: ${name} — ${outcome.why}`);
    }
    const count = (status: Outcome['status']) => this.results.filter((r) => r.outcome.status === status).length;
    console.log(`test:sip: ${count('passed')} passed, ${count('failed')} failed, ${count('notRun')} not run`);
  }
}

/** A check inside a scenario: throws with what was expected when it does not hold. */
export function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}
