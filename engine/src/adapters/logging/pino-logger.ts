/**
 * The engine's log as JSON lines (pino): one object per line with time, level, message, the fields the
 * line is about (callId, flowId, queueId …) and, for errors, the error's type, message and stack. main.ts
 * wraps it in the one redaction layer (logging.ts redactingLogger), so a card-like number a caller keyed at
 * the wrong prompt never reaches a log file.
 */
import pino, { type DestinationStream } from 'pino';
import type { EngineLogger, LogFields } from '../../ports/logger.js';

export interface PinoLoggerOptions {
  level?: 'debug' | 'info' | 'warn' | 'error';
  /** Where lines go (default stdout). */
  destination?: DestinationStream;
  /** Fields on every line (the engine's name and run). */
  base?: LogFields;
}

function clean(fields: LogFields | undefined): Record<string, string | number | boolean> | undefined {
  if (!fields) return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = value;
  }
  return out;
}

function errorFields(error: unknown): Record<string, string> | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) {
    return { type: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  let text: string;
  try {
    text = typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    text = String(error);
  }
  return { message: text };
}

export function pinoLogger(options: PinoLoggerOptions = {}): EngineLogger {
  const log = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'frontdoor', ...clean(options.base) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
  return {
    info: (message, fields) => log.info(clean(fields) ?? {}, message),
    warn: (message, fields) => log.warn(clean(fields) ?? {}, message),
    error: (message, error, fields) => log.error({ ...clean(fields), ...(error !== undefined ? { error: errorFields(error) } : {}) }, message),
  };
}
