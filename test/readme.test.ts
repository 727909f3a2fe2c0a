// The README's TypeScript example runs as written (against the built library), so the quick
// start stays true.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ensureDist, ROOT } from "./helpers/dist";

// Every ts block of the section, in order, as one program (the first one imports).
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("## Use it from TypeScript");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  if (blocks.length === 0) throw new Error("README.md has no ts example under 'Use it from TypeScript'");
  return blocks.join("\n");
}

describe("README example", () => {
  it("runs and writes the WAV file it names", () => {
    ensureDist();
    const source = readmeExample();
    const importLine = /^import \{([^}]*)\} from "amp-kpn";\n/m;
    const imports = importLine.exec(source);
    expect(imports).not.toBeNull();
    const body = source.replace(importLine, "");
    const program = `const {${imports?.[1] ?? ""}} = require(${JSON.stringify(join(ROOT, "dist", "index.js"))});\n(async () => {\n${body}\n})().catch((error) => { console.error(error); process.exit(1); });\n`;
    const js = ts.transpileModule(program, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const dir = mkdtempSync(join(tmpdir(), "amp-readme-"));
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "example.js"), js);
    execFileSync(process.execPath, ["example.js"], { cwd: dir, stdio: "pipe" });
    expect(existsSync(join(dir, "out", "vibrato.wav"))).toBe(true);
  });
});
