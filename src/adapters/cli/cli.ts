// The lyftr command line: picks `send`, `sign` or `export`, prints help, turns usage errors into exit code 2.
import type { CliIo } from "./cli-input.js";
import { MAIN_HELP } from "./help.js";
import { exportCommand } from "./export-command.js";
import { sendCommand } from "./send-command.js";
import { signCommand } from "./sign-command.js";
import { EXIT_OK, EXIT_USAGE, UsageError } from "./usage-error.js";

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  send: sendCommand,
  sign: signCommand,
  export: exportCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    const topic = command === "help" ? args[0] : undefined;
    return topic !== undefined && COMMANDS[topic] ? runCli([topic, "--help"], io) : (io.out(MAIN_HELP), EXIT_OK);
  }
  const run = command === undefined ? undefined : COMMANDS[command];
  if (run === undefined) {
    io.err(command === undefined ? MAIN_HELP : `lyftr: unknown command ${command} (see lyftr --help)`);
    return EXIT_USAGE;
  }
  try {
    return await run(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`lyftr ${command}: ${error.message} (see lyftr ${command} --help)`);
    return EXIT_USAGE;
  }
}
