/**
 * The engine's log, through the same redaction layer as the call event log (core/redaction.ts):
 * main.ts wraps whatever logger it is given once, and every part of the engine logs through that
 * wrapper, so a card-like number in a message or an error (a caller who keyed a card at the wrong
 * prompt, a URL with digits in it) never reaches a log file.
 */
import { redactCardNumbers } from './core/redaction.js';
import type { EngineLogger } from './ports/logger.js';

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

/** `logger` with every message and error passed through the redaction layer. */
export function redactingLogger(logger: Logger): Logger {
  return {
    info: (message) => logger.info(redactCardNumbers(message)),
    warn: (message) => logger.warn(redactCardNumbers(message)),
    error: (message, error) => logger.error(redactCardNumbers(message), describeError(error)),
  };
}
