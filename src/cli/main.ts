#!/usr/bin/env node
/** The `amp-kpn` command line: `render`, `demo`, `kernel`, `run` and `worker`. Errors print one line to stderr and exit 1. */
import { AmpError } from "../errors";
import { demoCommand, DEMO_USAGE } from "./demo-command";
import { kernelCommand, KERNEL_USAGE } from "./kernel-command";
import { renderCommand, RENDER_USAGE } from "./render-command";
import { runCommand, RUN_USAGE } from "./run-command";
import { workerCommand, WORKER_USAGE } from "./worker-command";

type Command = (args: readonly string[], print: (line: string) => void) => Promise<unknown>;

const COMMANDS: Readonly<Record<string, Command>> = {
  render: renderCommand,
  demo: demoCommand,
  kernel: kernelCommand,
  run: runCommand,
  worker: workerCommand,
};

const USAGE = `usage: amp-kpn <command> [options]

${RENDER_USAGE}

${DEMO_USAGE}

${KERNEL_USAGE}

${RUN_USAGE}

${WORKER_USAGE}`;

/** One line describing an error, for stderr. */
export function errorLine(error: unknown): string {
  if (error instanceof AmpError) {
    const firstLine = error.message.split("\n")[0] ?? error.message;
    return error.stage === "cli" ? firstLine : `${firstLine} (${error.code})`;
  }
  // Other errors (e.g. util.parseArgs) may explain themselves over several lines: join them.
  const text = error instanceof Error ? error.message : String(error);
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
}

/**
 * Runs the CLI with `argv` (without node and the script path); returns the exit status.
 * @param argv - e.g. `["render", "g.json", "--frames", "480", "--out", "o.wav"]`
 */
export async function main(
  argv: readonly string[],
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    print(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`amp-kpn: unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(", ")}\n`);
    return 1;
  }
  try {
    await command(rest, print);
    return 0;
  } catch (error) {
    process.stderr.write(`amp-kpn ${name}: ${errorLine(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((status) => {
    // A command may have set its own status (render stopped by Ctrl-C: 130).
    if (status !== 0 || process.exitCode === undefined) process.exitCode = status;
  });
}
