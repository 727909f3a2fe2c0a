// jupyter_kernel_test (Debian python3-jupyter-kernel-test) against the kernel installed by the
// CLI into a temp prefix. Fails (never skips) when Python, jupyter_client or the test package
// is missing: CI installs them (.ci/run).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/dist";
import { installKernel, kernelPrefix } from "./helpers/installed-kernel";

const kernelspec = kernelPrefix("amp-kpn-conformance");
const { prefix } = kernelspec;
const notebookDir = mkdtempSync(join(tmpdir(), "amp-conformance-nb-"));
afterAll(() => {
  rmSync(prefix, { recursive: true, force: true });
  rmSync(notebookDir, { recursive: true, force: true });
});

/** The Python with Debian's Jupyter packages: $AMP_KPN_PYTHON, else /usr/bin/python3, else python3 on PATH. */
function python(): string {
  const explicit = process.env["AMP_KPN_PYTHON"];
  if (explicit !== undefined && explicit !== "") return explicit;
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/** Tests that skip by design: the kernel advertises no history, and TypeScript has no pager payloads. */
const SKIPPED_BY_DESIGN = [
  "test_history (hist_access_type='range')",
  "test_history (hist_access_type='search')",
  "test_history (hist_access_type='tail')",
  "test_pager",
];

describe("jupyter_kernel_test", () => {
  beforeAll(() => installKernel(kernelspec), 120_000);

  it("passes every test against the installed kernel (history and pager not advertised)", () => {
    const run = spawnSync(python(), ["-X", "frozen_modules=off", join(ROOT, "test", "jupyter", "kernel_conformance.py")], {
      cwd: notebookDir,
      encoding: "utf8",
      timeout: 600_000,
      env: {
        ...process.env,
        JUPYTER_PATH: join(prefix, "share", "jupyter"),
        AMP_KPN_KERNEL_NAME: "amp-kpn-conformance",
        PYDEVD_DISABLE_FILE_VALIDATION: "1",
      },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.error, output).toBeUndefined();
    expect(run.status, output).toBe(0);
    expect(output).toMatch(/^OK \(skipped=4\)$/m);
    const skipped = output
      .split("\n")
      .filter((line) => /\.\.\. skipped/.test(line))
      .map((line) =>
        line
          .trim()
          .replace(/ \(__main__\.AmpKpnKernelTests\.test_\w+\)/, "")
          .replace(/ \.\.\. skipped.*$/, ""),
      )
      .sort();
    expect(skipped).toEqual(SKIPPED_BY_DESIGN);
    for (const name of [
      "kernel_info",
      "execute_stdout",
      "execute_stderr",
      "error",
      "execute_result",
      "display_data",
      "completion",
      "inspect",
      "is_complete",
      "clear_output",
    ])
      expect(output).toMatch(new RegExp(`test_${name} \\(__main__\\.AmpKpnKernelTests\\.test_${name}\\) \\.\\.\\. ok`));
  }, 600_000);
});
