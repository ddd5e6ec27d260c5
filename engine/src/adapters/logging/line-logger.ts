import type { EngineLogger } from '../../ports/logger.js';

/** Where lines go: the process's stdout (info, warnings) and stderr (errors) by default. */
export interface LineOutput {
  write(text: string): unknown;
}

export interface LineLoggerOptions {
  out?: LineOutput;
  err?: LineOutput;
  now?: () => Date;
}

/**
 * The engine's log: one line per message, each starting with its time (ISO 8601, UTC) and level —
 * `2026-12-01T10:15:02.123Z INFO flow main-line: version 4 is now published`. Lines are gathered and
 * written once per turn of the event loop (one write for many lines), not one console call each in the
 * middle of a call's work. An error's message follows its line.
 */
export function lineLogger(options: LineLoggerOptions = {}): EngineLogger & { flush(): void } {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const now = options.now ?? (() => new Date());
  let outLines: string[] = [];
  let errLines: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (outLines.length) {
      const text = outLines.join('');
      outLines = [];
      out.write(text);
    }
    if (errLines.length) {
      const text = errLines.join('');
      errLines = [];
      err.write(text);
    }
  };
  const add = (lines: string[], level: string, message: string) => {
    lines.push(`${now().toISOString()} ${level} ${message}\n`);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    info: (message) => add(outLines, 'INFO', message),
    warn: (message) => add(outLines, 'WARN', message),
    error: (message, error) => add(errLines, 'ERROR', error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`),
    flush,
  };
}
