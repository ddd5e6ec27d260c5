import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cruise, type IReporterOutput } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';
import ruleSet from '../../.dependency-cruiser.mjs';

const repo = resolve(import.meta.dirname, '../..');

async function violationsIn(root: string, paths: string[]) {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const result: IReporterOutput = await cruise(paths, {
      ...ruleSet.options,
      validate: true,
      ruleSet: { forbidden: ruleSet.forbidden },
      exclude: { path: 'node_modules' },
    });
    if (typeof result.output === 'string') throw new Error('dependency-cruiser returned text, expected JSON');
    return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

describe('the dependency rule (ARCHITECTURE.md)', () => {
  it('holds for the whole engine and designer', async () => {
    const paths = ['engine/src', 'designer/src'].filter((p) => existsSync(join(repo, p)));
    expect(await violationsIn(repo, paths)).toEqual([]);
  }, 120_000);

  describe('catches violations', () => {
    const sandbox = mkdtempSync(join(tmpdir(), 'frontdoor-deps-'));
    afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

    it('core importing an adapter, a port as a value, node: or pg; designer importing an adapter; compile importing runtime; ports importing core; calls or queue importing an adapter', async () => {
      cpSync(join(repo, 'tsconfig.json'), join(sandbox, 'tsconfig.json'));
      writeFileSync(join(sandbox, 'package.json'), '{"type":"module"}');
      const file = (path: string, text: string) => {
        mkdirSync(join(sandbox, path, '..'), { recursive: true });
        writeFileSync(join(sandbox, path), text);
      };
      file('engine/src/ports/clock.ts', 'export interface Clock { now(): number }\nexport const SYSTEM = 1;\n');
      file('engine/src/adapters/storage/postgres/store.ts', 'export const store = 1;\n');
      file(
        'engine/src/core/bad.ts',
        [
          "import { store } from '../adapters/storage/postgres/store.js';",
          "import { SYSTEM } from '../ports/clock.js';",
          "import type { Clock } from '../ports/clock.js';",
          "import { readFileSync } from 'node:fs';",
          'export const x = [store, SYSTEM, readFileSync];',
          'export type C = Clock;',
        ].join('\n'),
      );
      file('engine/src/core/bad.test.ts', "import { store } from '../adapters/storage/postgres/store.js';\nexport const z = store;\n");
      file('designer/src/bad.ts', "import { store } from '../../engine/src/adapters/storage/postgres/store.js';\nexport const y = store;\n");
      file('engine/src/core/runtime/run.ts', 'export const run = 1;\n');
      file('engine/src/core/compile/bad.ts', "import { run } from '../runtime/run.js';\nexport const c = run;\n");
      file('engine/src/ports/bad.ts', "import type { C } from '../core/bad.js';\nexport type P = C;\n");
      file('engine/src/queue/bad.ts', "import { store } from '../adapters/storage/postgres/store.js';\nexport const q = store;\n");
      file('engine/src/calls/bad.ts', "import { store } from '../adapters/storage/postgres/store.js';\nexport const k = store;\n");
      const found = await violationsIn(sandbox, ['engine/src', 'designer/src']);
      expect(found).toEqual(
        expect.arrayContaining([
          'core-imports-only-core-zod-xstate: engine/src/core/bad.ts -> engine/src/adapters/storage/postgres/store.ts',
          'core-uses-port-types-only: engine/src/core/bad.ts -> engine/src/ports/clock.ts',
          'core-imports-only-core-zod-xstate: engine/src/core/bad.ts -> fs',
          'core-tests-reach-adapters-through-testing: engine/src/core/bad.test.ts -> engine/src/adapters/storage/postgres/store.ts',
          'designer-never-imports-adapters: designer/src/bad.ts -> engine/src/adapters/storage/postgres/store.ts',
          'compile-never-imports-runtime: engine/src/core/compile/bad.ts -> engine/src/core/runtime/run.ts',
          'ports-are-types: engine/src/ports/bad.ts -> engine/src/core/bad.ts',
          'calls-queue-reporting-never-import-adapters: engine/src/queue/bad.ts -> engine/src/adapters/storage/postgres/store.ts',
          'calls-queue-reporting-never-import-adapters: engine/src/calls/bad.ts -> engine/src/adapters/storage/postgres/store.ts',
        ]),
      );
    }, 60_000);
  });
});
