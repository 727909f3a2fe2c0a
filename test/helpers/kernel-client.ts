// Starts the package's Jupyter client (src/notebook/kernel-client.ts: signed ZeroMQ, iopub grouped
// by request) on a kernelspec folder, as Jupyter would: kernel.json's argv and env.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KernelClient } from "../../src/notebook/kernel-client";

export { KernelClient, type KernelMessage as Message, type KernelReply as Reply } from "../../src/notebook/kernel-client";

/** How long a kernel may take to start on a loaded machine (a bound, not a timing claim). */
const START_TIMEOUT_MS = 90_000;

export interface SpecStart {
  /** Folder holding kernel.json. */
  readonly specDir: string;
  /** Working folder of the kernel (Jupyter uses the notebook's folder). */
  readonly cwd: string;
  /** Override the key (e.g. "" with signatureScheme "" for unsigned). */
  readonly key?: string;
  readonly signatureScheme?: string;
}

/** Starts the kernel of `specDir/kernel.json` and waits until it answers kernel_info. */
export function startKernel(options: SpecStart): Promise<KernelClient> {
  const spec = JSON.parse(readFileSync(join(options.specDir, "kernel.json"), "utf8")) as { argv: string[]; env?: Record<string, string> };
  return KernelClient.start({
    argv: spec.argv,
    cwd: options.cwd,
    startTimeoutMs: START_TIMEOUT_MS,
    ...(spec.env === undefined ? {} : { env: spec.env }),
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.signatureScheme === undefined ? {} : { signatureScheme: options.signatureScheme }),
  });
}
