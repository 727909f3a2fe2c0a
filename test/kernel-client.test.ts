// The package's Jupyter client (src/notebook/kernel-client.ts, used by `amp-kpn run`) when the
// kernel never answers: start() fails with the reason and the process can still exit (ZeroMQ
// would otherwise keep the undelivered requests and hold the process open for ever).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLIENT = join(__dirname, "..", "dist", "notebook", "kernel-client.js");

describe("KernelClient against a kernel that never answers", () => {
  it("rejects start() naming the wait, and lets the process exit", () => {
    const script = `
      const { KernelClient } = require(${JSON.stringify(CLIENT)});
      KernelClient.start({ argv: ["sleep", "600"], cwd: process.cwd(), startTimeoutMs: 1000 }).then(
        () => console.log("started"),
        (error) => console.log(String(error)),
      );`;
    // The bound only stops a hung process from hanging the suite; it is not a timing claim.
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 120_000, killSignal: "SIGKILL" });
    expect(run.signal, `the process did not exit: ${run.stderr}`).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("KernelError: the kernel did not answer within 1000 ms");
  }, 150_000);
});
