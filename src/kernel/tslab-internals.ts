/**
 * The parts of tslab 1.0.22 (pinned) the kernel wraps, typed here because tslab declares them
 * loosely. All are loaded from tslab's own files so the running kernel and these hooks share one
 * module instance. A tslab upgrade must re-check every member named here.
 */
import { createRequire } from "node:module";

/** A parsed wire message (tslab's ZmqMessage). */
export interface TslabMessage {
  identity: Buffer[];
  hmac: string;
  header: { msg_id: string; msg_type: string; session: string; username: string; version: string; date: string };
  parent: Record<string, unknown>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  extra: unknown[];
  createReply(): TslabMessage;
  signAndSend(key: string, socket: unknown): void;
}

/** tslab's executor (createExecutor in executor.js). */
export interface TslabExecutor {
  execute(code: string): Promise<boolean>;
  interrupt(): void;
  close(): void;
}

/** tslab's JupyterHandlerImpl. */
export interface TslabHandler {
  execCount: number;
  executor: TslabExecutor;
  handleKernel(): Record<string, unknown>;
  createWriteToIopub(name: "stdout" | "stderr", write: (name: string, text: string) => void): typeof process.stdout.write;
}

/** tslab's ZmqServer. */
export interface TslabServer {
  handler: TslabHandler;
  connInfo: { key: string };
  iopub: unknown;
  handleShellMessage(socket: unknown, ...frames: Buffer[]): Promise<void>;
  handleKernelInfo(socket: unknown, msg: TslabMessage): void;
  handleExecute(socket: unknown, msg: TslabMessage): Promise<void>;
  handleCommInfoRequest(socket: unknown, msg: TslabMessage): void;
}

/** The payload tslab's display hook sends (one display_data message). */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}

/** tslab/dist/jupyter.js. */
export interface TslabJupyterModule {
  ZmqServer: { prototype: TslabServer };
  JupyterHandlerImpl: { prototype: TslabHandler };
  /** Sends a display_data (or update_display_data) on the iopub of the cell executing last. */
  lastWriteDisplayData: ((content: DisplayContent, update: boolean) => void) | null;
}

/** tslab/dist/main.js. */
export interface TslabMainModule {
  startKernel(options: { configPath: string; enableFindLocal: boolean; jsKernel: boolean }): void;
}

/** The TypeScript `sys` object tslab's compiler host reads files through. */
export interface TsSys {
  fileExists(path: string): boolean;
  directoryExists(path: string): boolean;
  readFile(path: string, encoding?: string): string | undefined;
  readDirectory(
    path: string,
    extensions?: readonly string[],
    exclude?: readonly string[],
    include?: readonly string[],
    depth?: number,
  ): string[];
  getDirectories(path: string): string[];
  realpath?(path: string): string;
}

/** tslab's bundled TypeScript (@tslab/typescript-for-tslab): the compiler that checks cells. */
export interface TslabTypeScript {
  version: string;
  sys: TsSys;
}

const tslabRequire = createRequire(require.resolve("tslab/dist/main.js"));

/** tslab's modules, loaded from tslab's own folder. */
export const tslab = {
  main: (): TslabMainModule => tslabRequire("./main.js") as TslabMainModule,
  jupyter: (): TslabJupyterModule => tslabRequire("./jupyter.js") as TslabJupyterModule,
  typescript: (): TslabTypeScript => tslabRequire("@tslab/typescript-for-tslab") as TslabTypeScript,
  version: (): string => (tslabRequire("../package.json") as { version: string }).version,
};
