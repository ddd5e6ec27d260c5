/**
 * The engine's log, through the same redaction layer as the call event log (core/redaction.ts):
 * main.ts wraps whatever logger it is given once, and every part of the engine logs through that
 * wrapper, so a card-like number in a message or an error (a caller who keyed a card at the wrong
 * prompt, a URL with digits in it) never reaches a log file.
 */
import { redactCardNumbers } from './core/redaction.js';
import type { EngineLogger, LogFields } from './ports/logger.js';

export type Logger = EngineLogger;

/** An error as text for a log line: its message (and a redacted copy of nothing else). */
function describeError(error: unknown): Error | string | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) {
    const copy = new Error(redactCardNumbers(error.message));
    copy.name = error.name;
    if (error.stack) copy.stack = redactCardNumbers(error.stack);
    return copy;
  }
  return redactCardNumbers(typeof error === 'string' ? error : safeJson(error));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A line's fields (call id, flow …) through the same layer: text values redacted, the rest as they are. */
function redactFields(fields: LogFields | undefined): LogFields | undefined {
  if (!fields) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? redactCardNumbers(value) : value]));
}

/** `logger` with every message, field and error passed through the redaction layer. */
export function redactingLogger(logger: Logger): Logger {
  return {
    info: (message, fields) => logger.info(redactCardNumbers(message), redactFields(fields)),
    warn: (message, fields) => logger.warn(redactCardNumbers(message), redactFields(fields)),
    error: (message, error, fields) => logger.error(redactCardNumbers(message), describeError(error), redactFields(fields)),
  };
}
