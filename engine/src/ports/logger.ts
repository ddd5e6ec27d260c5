/** Where the engine's own messages go (the console by default; structured logging plugs in here). */
export interface EngineLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}
