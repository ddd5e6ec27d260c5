/**
 * The house's dependency rule (ARCHITECTURE.md), enforced by engine/src/architecture.test.ts:
 *   designer ─▶ engine/src/core ─(types only)─▶ engine/src/ports ◀─ engine/src/adapters/*
 *   engine/src/calls, queue, reporting, desk ─▶ core + ports (never an adapter)
 *   engine/src/main.ts wires core + adapters + calls + queue + reporting + api
 * Inside core, compile/ produces data and runtime/ runs it: runtime may import compile, never the reverse.
 * Test files may reach across (a node's test drives it through the simulator).
 */
const notTests = '\\.test\\.tsx?$|/testing/|/e2e/';

export default {
  forbidden: [
    {
      name: 'core-imports-only-core-zod-xstate',
      comment:
        'The call-flow language runs in the browser too: only zod, xstate, itself and port types. Two exceptions, both ' +
        "pure JS with no dependencies: re2js, the RE2 port core/safe-pattern.ts runs designers' patterns with (linear " +
        'time, so a pattern cannot freeze the engine), and stemmer (Porter stemmer, ~5 KB) so the flagged-word matcher ' +
        '(core/words.ts) stems the same way in the designer and on the phone.',
      severity: 'error',
      from: { path: '^engine/src/core/', pathNot: notTests },
      to: {
        pathNot: ['^engine/src/core/', '^engine/src/ports/', '(^|/)node_modules/(zod|xstate|re2js|stemmer)/'],
      },
    },
    {
      name: 'core-tests-reach-adapters-through-testing',
      comment: 'Core tests run nodes and flows on the simulator only through engine/src/testing (runNode, runFlow).',
      severity: 'error',
      from: { path: '^engine/src/core/.+\\.test\\.tsx?$' },
      to: { path: '^engine/src/(adapters|api|cli|main\\.ts)' },
    },
    {
      name: 'core-uses-port-types-only',
      comment: 'Ports are interfaces: core imports their types, never values.',
      severity: 'error',
      from: { path: '^engine/src/core/', pathNot: notTests },
      to: { path: '^engine/src/ports/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ports-are-types',
      comment: 'Ports are types that depend on nothing but each other (the flow shape they need lives in ports/flow.ts).',
      severity: 'error',
      from: { path: '^engine/src/ports/' },
      to: { pathNot: '^engine/src/ports/' },
    },
    {
      name: 'compile-never-imports-runtime',
      comment: 'compile/ turns a flow into plain XState config (data); runtime/ binds and runs it.',
      severity: 'error',
      from: { path: '^engine/src/core/compile/', pathNot: notTests },
      to: { path: '^engine/src/core/runtime/' },
    },
    {
      name: 'calls-queue-reporting-never-import-adapters',
      comment: 'The calls wing, the ACD, the agent desk and reporting work through ports; main.ts hands them adapters.',
      severity: 'error',
      from: { path: '^engine/src/(calls|queue|reporting|desk)/', pathNot: notTests },
      to: { path: '^engine/src/(adapters|api|cli|main\\.ts)' },
    },
    {
      name: 'designer-never-imports-adapters',
      comment: 'The designer shares the core (same parse and validate code); everything else goes over HTTP.',
      severity: 'error',
      from: { path: '^designer/' },
      to: { path: '^engine/src/', pathNot: ['^engine/src/core/', '^engine/src/ports/'] },
    },
    {
      name: 'only-the-drachtio-adapter-imports-drachtio',
      severity: 'error',
      from: { pathNot: '^engine/src/adapters/telephony/drachtio/' },
      to: { path: '(^|/)node_modules/drachtio-' },
    },
    {
      name: 'only-the-storage-adapter-imports-pg',
      severity: 'error',
      from: { path: '^engine/src/', pathNot: ['^engine/src/adapters/storage/', notTests] },
      to: { path: '(^|/)node_modules/(pg|pg-[a-z-]+|@electric-sql/[a-z-]+)/' },
    },
    {
      name: 'only-the-google-adapter-imports-google',
      severity: 'error',
      from: { pathNot: '^engine/src/adapters/speech/google/' },
      to: { path: '(^|/)node_modules/@google-cloud/' },
    },
    {
      name: 'core-and-adapters-never-import-the-api-or-main',
      severity: 'error',
      from: { path: '^engine/src/(core|ports|adapters)/', pathNot: notTests },
      to: { path: '^engine/src/(api|main\\.ts|cli)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
