/**
 * Where the engine's own messages go (the console by default; structured JSON through pino in
 * production: adapters/logging/pino-logger.ts). `fields` are what a log line is about — a call's id, a
 * flow, a queue — so lines can be found by them; never caller numbers, digits or anything personal.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface EngineLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, error?: unknown, fields?: LogFields): void;
}
