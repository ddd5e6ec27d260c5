/** The `frontdoor` command. bin/frontdoor.js runs it through tsx. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { callCommand } from './call-command.js';
import { runConfigCommand } from './config-command.js';
import { EXIT, line, type CliIo } from './io.js';
import { testCommand } from './test-command.js';
import { validateCommand } from './validate-command.js';
import { closeScratchEngine } from '../testing/simulated-acd.js';

const HELP = `frontdoor — telephony front door for public services

  frontdoor start                          run the server (API, designer, telephony) on its embedded defaults
  frontdoor validate <flow files|folders>  check flows; prints file:node:field: severity code message
  frontdoor test <flow files|folders>      run each flow's scripted test calls (<name>.calls.json)
  frontdoor call <flow> [--at ISO] [--from +44…]
                                           a simulated call in the terminal: type press 1, say …, wait 10, hangup
  frontdoor config check [file] [--connect] check the config file (telephony, Teams certificate; --connect probes servers)

exit codes: 0 ok, 1 invalid or failed, 2 unreadable input`;

const SERVER = new URL('../main.ts', import.meta.url);

async function startCommand(io: CliIo): Promise<number> {
  if (!existsSync(fileURLToPath(SERVER))) {
    line(io.stderr, 'frontdoor start: this build has no server yet (engine/src/main.ts is missing); validate, test and call work without it.');
    return EXIT.failed;
  }
  const server = (await import(SERVER.href)) as { start?: () => Promise<unknown> };
  if (typeof server.start !== 'function') {
    line(io.stderr, 'frontdoor start: engine/src/main.ts does not export start()');
    return EXIT.failed;
  }
  await server.start();
  // The server keeps the process alive; it stops on a signal.
  return EXIT.ok;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'validate':
        return validateCommand(args, io);
      case 'test':
        return await testCommand(args, io).finally(closeScratchEngine);
      case 'call':
        return await callCommand(args, io).finally(closeScratchEngine);
      case 'start':
        return await startCommand(io);
      case 'config':
        return await runConfigCommand(args, io);
      case 'admin':
        return await (await import('./admin-command.js')).runAdminCommand(args, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        line(io.stdout, HELP);
        return command === undefined ? EXIT.unreadable : EXIT.ok;
      default:
        line(io.stderr, `frontdoor: unknown command "${command}"\n\n${HELP}`);
        return EXIT.unreadable;
    }
  } catch (error) {
    // Never a stack trace for the person at the terminal: one line saying what went wrong.
    line(io.stderr, `frontdoor ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}
