/** The public API of the call-flow language: browser-safe (zod, xstate and port types only). */
export * from './flow/schema.js';
export * from './flow/diagnostics.js';
export { parseFlow, type ParsedFlow } from './flow/parse-flow.js';
export { checkFlow } from './flow/check-flow.js';
export { validateFlow, FAULT_OUTCOME, RUNTIME_VARIABLES, type ValidateOptions } from './flow/validate-flow.js';
export { catalogue, knownVersions, latestDefinitions, nodeDefinition } from './catalogue.js';
export {
  defineNode,
  type AnyNodeDefinition,
  type NodeCategory,
  type NodeContext,
  type NodeDefinition,
  type NodeResult,
  type NodeTraits,
  type NodeUi,
  type OutcomeSpec,
} from './nodes/define-node.js';
export { promptParam, type PromptParam } from './nodes/prompt.js';
export { parseDestination, formatDestination, type DestinationParse } from './destination.js';
export { compare, holds, comparisonSchema, conditionSchema, COMPARISON_OPS, type Comparison, type ComparisonOp, type Condition } from './conditions.js';
export { findKeywords, matchKeywords, DEFAULT_MAX_GAP, type KeywordGroup, type KeywordMatch, type KeywordResult, type MatchOptions } from './keywords.js';
export { textStems, textWords, type Word } from './words.js';
export { scheduleSchema, scheduleState, localTime, WEEKDAYS, type Schedule, type ScheduleState, type Weekday } from './schedule.js';
export { ENGLAND_AND_WALES_BANK_HOLIDAYS, BANK_HOLIDAY_YEARS } from './bank-holidays.js';
export { renderTemplate, templateVariables, fillTemplate } from './template.js';
export { EngineError } from './engine-error.js';
// The runtime (core-runtime): compiling flows to XState, running calls, the event log.
export { compileFlow, actorSource, stateKey, type FlowMachineConfig } from './compile/compile-flow.js';
export { createFlowMachine, type CallMachineInput, type FlowRunOutput } from './runtime/create-flow-machine.js';
export { runCall, runSubflowOnCall, flowMachine, type RunCallOptions, type CallRunResult } from './runtime/run-call.js';
export { CallEventLog, MemoryEventSink, REDACTED } from './runtime/event-log.js';
export { resolvePrompt } from './runtime/resolve-prompt.js';
export type { FlowPorts } from '../ports/flow-ports.js';
export { describeFault, isAbort } from './engine-error.js';
