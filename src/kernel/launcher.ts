/**
 * The kernel process: `node kernel/launch.js --config-path <connection file>` (what kernel.json
 * runs). Checks the connection file, makes `amp-kpn` importable from cells, preloads the
 * library, wraps tslab's server (signatures, protocol, rich display, interrupts) and starts
 * tslab's kernel.
 */
import { format } from "node:util";
import { setInterruptSignal } from "../render/interrupt";
import { CellCapture } from "./cell-capture";
import { CellRunner } from "./cell-runner";
import { ConnectionFileError, readConnectionFile } from "./connection";
import { displayData } from "./display-bundle";
import { mountCompilerPaths, registerPackageResolution, slashes } from "./module-resolution";
import { CELL_TYPES_DIR, PACKAGE_NAME, PACKAGE_ROOT, packageVersion } from "./package-root";
import { installBindOrder } from "./bind-order";
import { installSendOrder } from "./send-order";
import { installProgressDisplay } from "./progress-display";
import { installProtocol, kernelLog } from "./protocol";
import { tslab, type TslabJupyterModule } from "./tslab-internals";

/** Reads `--config-path <file>` (or `--config-path=<file>`) from the arguments. */
export function configPathFrom(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    if (arg === "--config-path") return argv[i + 1];
    if (arg.startsWith("--config-path=")) return arg.slice("--config-path=".length);
  }
  return undefined;
}

/** Defines a global of cells (declared for the type checker in kernel/cell-types). */
function defineCellGlobal(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/** Installs `display(value)` and `clearOutput(wait)` as globals of cells. */
function installCellGlobals(jupyter: TslabJupyterModule, runner: CellRunner): void {
  const display = (value: unknown): void => {
    const write = jupyter.lastWriteDisplayData;
    if (write === null) throw new Error("display() works only inside the AMP KPN kernel, after a cell has started");
    write({ data: displayData(value), metadata: {}, transient: {} }, false);
  };
  defineCellGlobal("display", display);
  const clearOutput = (wait = false): void => {
    if (typeof wait !== "boolean") throw new TypeError(`clearOutput(wait) expects a boolean, got ${format("%o", wait)}`);
    runner.publish("clear_output", { wait });
  };
  defineCellGlobal("clearOutput", clearOutput);
}

/** A kernel interrupt (SIGINT) aborts the host interrupt signal: every render in flight is cancelled. */
function installInterruptSignal(): void {
  let controller = new AbortController();
  setInterruptSignal(controller.signal);
  process.on("SIGINT", () => {
    controller.abort(new Error("kernel interrupt"));
    controller = new AbortController();
    setInterruptSignal(controller.signal);
    kernelLog("interrupt (SIGINT): renders in flight cancelled");
  });
}

/** Starts the kernel; returns the exit status to use when it cannot start. */
export function main(argv: readonly string[]): number | undefined {
  const configPath = configPathFrom(argv);
  if (configPath === undefined) {
    process.stderr.write("amp-kpn kernel: missing --config-path <connection file> (Jupyter passes it from kernel.json)\n");
    return 2;
  }
  let connection;
  try {
    connection = readConnectionFile(configPath);
  } catch (error) {
    if (error instanceof ConnectionFileError) {
      process.stderr.write(`amp-kpn kernel: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  registerPackageResolution(PACKAGE_NAME, PACKAGE_ROOT);
  const typescript = tslab.typescript();
  const cwd = slashes(process.cwd());
  mountCompilerPaths(typescript.sys, [
    { at: `${cwd}/node_modules/${PACKAGE_NAME}`, real: slashes(PACKAGE_ROOT) },
    { at: `${cwd}/node_modules/@types/amp-kpn-cell`, real: slashes(CELL_TYPES_DIR) },
  ]);
  // Preload: the first cell that imports the library does not pay for loading it.
  require(PACKAGE_NAME);

  const jupyter = tslab.jupyter();
  const capture = new CellCapture();
  const runner = new CellRunner(capture, jupyter);
  installBindOrder(jupyter);
  installSendOrder();
  installProtocol(jupyter, {
    connection,
    runner,
    info: {
      implementation: PACKAGE_NAME,
      implementationVersion: packageVersion(),
      typescriptVersion: typescript.version,
      banner: `AMP KPN ${packageVersion()}: TypeScript ${typescript.version} (tslab ${tslab.version()}), Node ${process.version}`,
    },
  });
  installCellGlobals(jupyter, runner);
  installInterruptSignal();
  installProgressDisplay(jupyter);

  // tslab's executor reports the last value and failures through the console it is created
  // with: hand it the capture while startKernel creates it, then restore the real console.
  const realLog = console.log;
  const realError = console.error;
  console.log = capture.log;
  console.error = capture.error;
  try {
    tslab.main().startKernel({ configPath, enableFindLocal: false, jsKernel: false });
  } finally {
    console.log = realLog;
    console.error = realError;
  }
  kernelLog(format("started (pid %d, cwd %s, %s:%s)", process.pid, process.cwd(), connection.transport, connection.ip));
  return undefined;
}
