import { z } from 'zod';
import { callerActionSchema } from '../adapters/telephony/simulator/caller-action.js';
import { worldSchema } from '../adapters/telephony/simulator/world.js';

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time like 2026-11-25T10:00:00Z');
const varValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A world as written in a file: every part optional, merged over the file's world. */
const worldInput = worldSchema.partial();

export const expectationSchema = z.strictObject({
  /** Exact node ids entered, in order (this flow's nodes and `$fallback`; not a subflow's). */
  path: z.array(z.string()).optional(),
  /** Node ids entered in this order, with others in between allowed. */
  visits: z.array(z.string()).optional(),
  /** The node the call ended at. */
  endsAt: z.string().optional(),
  /** Pieces of what the caller heard, in order. */
  hears: z.array(z.string()).optional(),
  /** Variables at the end of the call. */
  vars: z.record(z.string(), varValue).optional(),
  /** The call's outcome: completed (or the hangup reason), transferred, answered, voicemail, callerHungUp, failed. */
  outcome: z.string().optional(),
});

/** Most scripted calls in one file, and most caller actions in one call: a flow's tests, not a load test. */
export const MAX_TEST_CALLS = 500;
export const MAX_CALLER_ACTIONS = 500;

export const testCallSchema = z.strictObject({
  name: z.string().min(1),
  at: isoTime.optional(),
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  vars: z.record(z.string(), varValue).optional(),
  world: worldInput.optional(),
  caller: z.array(callerActionSchema).max(MAX_CALLER_ACTIONS).default([]),
  expect: expectationSchema.default({}),
});

/** A flow's scripted test calls: flows/<name>.calls.json (the API keeps them without `flow`). */
export const callsFileSchema = z.strictObject({
  /** The flow file these calls test, relative to this file. */
  flow: z.string().min(1).optional(),
  world: worldInput.optional(),
  calls: z.array(testCallSchema).max(MAX_TEST_CALLS, `at most ${MAX_TEST_CALLS} test calls per flow`),
});

export type Expectation = z.output<typeof expectationSchema>;
export type TestCall = z.output<typeof testCallSchema>;
export type CallsFile = z.output<typeof callsFileSchema>;
