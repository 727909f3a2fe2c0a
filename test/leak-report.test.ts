// The leak check's report filter (scripts/leak-report.js, run by scripts/leak-check.sh after
// valgrind): a lost block or memcheck error whose stack passes through amp_kpn.node fails the
// check; Node's and V8's own records do not.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/dist";

const dir = mkdtempSync(join(tmpdir(), "amp-leak-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(kind: string, objects: readonly string[], leaked = 64): string {
  const frames = objects.map((obj, i) => `<frame><ip>0x${(i + 1).toString(16)}</ip><obj>${obj}</obj><fn>f${i}</fn></frame>`).join("");
  return `<error><unique>0x1</unique><kind>${kind}</kind><xwhat><text>${leaked} bytes lost</text><leakedbytes>${leaked}</leakedbytes></xwhat><stack>${frames}</stack></error>`;
}

function report(...errors: string[]): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, `memcheck-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, `<?xml version="1.0"?><valgrindoutput>${errors.join("")}</valgrindoutput>`);
  const run = spawnSync(process.execPath, [join(ROOT, "scripts", "leak-report.js"), file], { encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("leak report", () => {
  it("passes when only Node's and V8's own records are present", () => {
    const run = report(record("Leak_DefinitelyLost", ["/usr/bin/node", "/usr/lib/libc.so.6"]));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("1 leak records in the process (64 bytes");
    expect(run.stdout).toContain("0 through amp_kpn.node");
  });

  it("fails on a block lost through the addon, naming its frames", () => {
    const run = report(
      record("Leak_DefinitelyLost", ["/usr/bin/node"]),
      record("Leak_IndirectlyLost", ["/usr/lib/libc.so.6", "/repo/build-leak/Release/amp_kpn.node", "/usr/bin/node"], 4096),
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("1 through amp_kpn.node (4096 bytes)");
    expect(run.stderr).toContain("Leak_IndirectlyLost");
  });

  it("fails on an invalid read inside the addon", () => {
    const run = report(record("InvalidRead", ["/repo/build-leak/Release/amp_kpn.node"], 0));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("1 other memcheck errors");
  });
});
