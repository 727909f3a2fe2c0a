// Jupyter's nbconvert --execute with a kernelspec of this package. jupyter_client chooses the
// kernel's ports free, but another process (a kernel or a connection of a test running beside
// it) may take one before the kernel binds it; the kernel then exits saying "cannot bind port"
// (src/kernel/bind-order.ts). Our own clients start the kernel again on other ports; nbconvert
// does not, so this helper runs it again, up to three times, for that failure only.
import { execFile } from "node:child_process";

const ATTEMPTS = 3;

function runOnce(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile("jupyter", ["nbconvert", ...args], { ...options, maxBuffer: 64 << 20 }, (error, _stdout, stderr) => {
      if (error === null) resolve(undefined);
      else if (stderr.includes("cannot bind port")) resolve(stderr);
      else reject(new Error(`nbconvert ${args.join(" ")}: ${stderr}`));
    });
  });
}

/** Runs `jupyter nbconvert ...args`; rejects with nbconvert's stderr when it fails. */
export async function nbconvert(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const portTaken = await runOnce(args, options);
    if (portTaken === undefined) return;
    if (attempt >= ATTEMPTS) throw new Error(`nbconvert ${args.join(" ")}: a kernel port was taken ${ATTEMPTS} times: ${portTaken}`);
  }
}
