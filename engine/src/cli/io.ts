/** Where a command reads and writes: the process's streams, or a test's. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const line = (out: CliIo['stdout'], text = ''): void => {
  out.write(`${text}\n`);
};

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, unreadable: 2 } as const;
