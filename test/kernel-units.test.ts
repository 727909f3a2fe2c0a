// Kernel building blocks without a kernel process: signatures, connection files, bundles,
// error reports, the kernelspec CLI, the logo, and the host interrupt signal of renders.
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmpError, gain, graph, interruptSignal, mix, render, setInterruptSignal, sineOsc } from "../src/index";
import { installBindOrder } from "../src/kernel/bind-order";
import { checkConnectionInfo, ConnectionFileError } from "../src/kernel/connection";
import { displayData, DisplayBundleError } from "../src/kernel/display-bundle";
import { reportDiagnostics, reportThrown } from "../src/kernel/error-report";
import { logoPng } from "../src/kernel/logo";
import { constantTimeEqual, DELIMITER, signatureProblem, signParts } from "../src/kernel/signature";
import { ensureDist, ROOT } from "./helpers/dist";

describe("constantTimeEqual", () => {
  const digest = createHmac("sha256", "key").update("message").digest("hex");

  it("is true only for identical strings, whatever the position of a difference or the lengths", () => {
    expect(constantTimeEqual(digest, digest)).toBe(true);
    expect(constantTimeEqual(`0${digest.slice(1)}` === digest ? `1${digest.slice(1)}` : `0${digest.slice(1)}`, digest)).toBe(false);
    expect(constantTimeEqual(`${digest.slice(0, -1)}${digest.endsWith("0") ? "1" : "0"}`, digest)).toBe(false);
    expect(constantTimeEqual(digest.slice(0, 63), digest)).toBe(false);
    expect(constantTimeEqual(`${digest}0`, digest)).toBe(false);
    expect(constantTimeEqual("", digest)).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual(digest.toUpperCase(), digest)).toBe(false);
  });

  it("is used by signatureProblem over the four signed frames", () => {
    const parts = ['{"msg_id":"1"}', "{}", "{}", '{"code":"1"}'];
    const signature = signParts("secret", parts);
    const frames = [Buffer.from("identity"), DELIMITER, Buffer.from(signature), ...parts.map((p) => Buffer.from(p))];
    expect(signatureProblem("secret", frames)).toBeUndefined();
    expect(signatureProblem("other", frames)).toBe("invalid signature");
    const tampered = [...frames];
    tampered[5] = Buffer.from('{"code":"2"}');
    expect(signatureProblem("secret", tampered)).toBe("invalid signature");
    expect(signatureProblem("secret", frames.slice(0, 4))).toMatch(/^malformed message/);
    expect(signatureProblem("secret", [Buffer.from("no delimiter")])).toMatch(/^malformed message/);
  });
});

describe("connection file checks", () => {
  const good = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: 1,
    iopub_port: 2,
    stdin_port: 3,
    control_port: 4,
    hb_port: 5,
    key: "k",
    signature_scheme: "hmac-sha256",
  };

  it("accepts a signed file and an unsigned one that asks for it", () => {
    expect(checkConnectionInfo(good, "f").key).toBe("k");
    expect(checkConnectionInfo({ ...good, key: "", signature_scheme: "" }, "f").signature_scheme).toBe("");
  });

  it.each([
    ["an empty key with hmac-sha256", { key: "" }, /refusing to run unsigned/],
    ["a key without a scheme", { signature_scheme: "" }, /unsigned\) but "key" is not empty/],
    ["another scheme", { signature_scheme: "hmac-sha512" }, /"signature_scheme" must be "hmac-sha256"/],
    ["ipc", { transport: "ipc" }, /"transport" must be "tcp"/],
    ["a port 0", { hb_port: 0 }, /"hb_port" must be an integer in \[1, 65535\], got 0/],
    ["no ip", { ip: "" }, /"ip" must be a non-empty string/],
    ["a numeric key", { key: 5 }, /"key" must be a string/],
  ])("refuses %s", (_label, change, message) => {
    expect(() => checkConnectionInfo({ ...good, ...change }, "f")).toThrow(ConnectionFileError);
    expect(() => checkConnectionInfo({ ...good, ...change }, "f")).toThrow(message);
  });
});

describe("displayData", () => {
  it("sends a displayable's whole bundle, bytes as base64; other values as console.log prints them", () => {
    const figure = {
      [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "f", "image/png": new Uint8Array([1, 2, 3]), "application/json": { a: 1 } }),
    };
    expect(displayData(figure)).toEqual({ "text/plain": "f", "image/png": "AQID", "application/json": { a: 1 } });
    expect(displayData({ a: [1, 2] })).toEqual({ "text/plain": "{ a: [ 1, 2 ] }" });
    expect(displayData("text")).toEqual({ "text/plain": "text" });
  });

  it("refuses a display method that returns no bundle or no text/plain", () => {
    expect(() => displayData({ [Symbol.for("Jupyter.display")]: () => "html" })).toThrow(DisplayBundleError);
    expect(() => displayData({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b/>" }) })).toThrow(
      /without a "text\/plain" string/,
    );
  });
});

describe("error reports", () => {
  it("show an AmpError's code, stage, node and detail", () => {
    const error = new AmpError("bad shape", {
      code: -2,
      codeName: "AMP_ERR_SHAPE_MISMATCH",
      stage: "set_param",
      node: "osc",
      detail: "expected 1x1x480, got 1x2x480",
    });
    const report = reportThrown(error);
    expect(report.ename).toBe("AmpError");
    expect(report.evalue).toBe("bad shape");
    expect(report.traceback.slice(0, 4)).toEqual([
      "AmpError [AMP_ERR_SHAPE_MISMATCH]: bad shape",
      "  stage: set_param",
      "  node: osc",
      "  detail: expected 1x1x480, got 1x2x480",
    ]);
  });

  it("report other thrown values and diagnostics", () => {
    expect(reportThrown("plain")).toEqual({ ename: "Uncaught", evalue: "'plain'", traceback: ["Uncaught 'plain'"] });
    expect(reportThrown(new TypeError("x")).traceback[0]).toBe("TypeError: x");
    expect(reportThrown(new Error("Interrupted asynchronously")).ename).toBe("Interrupted");
    expect(reportDiagnostics(["1:1 - a", "2:1 - b"])).toEqual({
      ename: "TypeScriptError",
      evalue: "1:1 - a\n2:1 - b",
      traceback: ["1:1 - a", "2:1 - b"],
    });
  });
});

describe("logo", () => {
  it.each([32, 64])("is a valid %i x %i RGBA PNG with both colours", (size) => {
    const png = logoPng(size);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString("ascii", 12, 16)).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([size, size, 8, 6]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString("ascii", 37, 41)).toBe("IDAT");
    const rows = inflateSync(png.subarray(41, 41 + idatLength));
    expect(rows.length).toBe(size * (4 * size + 1));
    const pixels = new Set<string>();
    for (let y = 0; y < size; y += 1)
      for (let x = 0; x < size; x += 1) pixels.add(rows.subarray(y * (4 * size + 1) + 1 + 4 * x, y * (4 * size + 1) + 5 + 4 * x).join(","));
    expect(pixels).toEqual(new Set(["255,255,255,255", "31,59,87,255", "0,0,0,0"]));
  });
});

describe("amp-kpn kernel install / list / uninstall", () => {
  const prefix = mkdtempSync(join(tmpdir(), "amp-kernelspec-"));
  afterAll(() => rmSync(prefix, { recursive: true, force: true }));
  beforeAll(() => ensureDist(), 120_000);
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "kernel", ...args], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: "" },
    });
  const dir = join(prefix, "share", "jupyter", "kernels");

  it("writes kernel.json and logos, lists and removes them", () => {
    const install = cli("install", "--prefix", prefix, "--name", "amp-test", "--display-name", "AMP test");
    expect(install.stderr).toBe("");
    expect(install.status).toBe(0);
    expect(install.stdout).toContain(`installed kernel "amp-test" (AMP test) in ${join(dir, "amp-test")}`);
    expect(install.stdout).toContain(`JUPYTER_PATH=${join(prefix, "share", "jupyter")}`);
    const spec = JSON.parse(readFileSync(join(dir, "amp-test", "kernel.json"), "utf8")) as Record<string, unknown>;
    expect(spec).toEqual({
      argv: [process.execPath, join(ROOT, "kernel", "launch.js"), "--config-path", "{connection_file}"],
      display_name: "AMP test",
      language: "typescript",
      interrupt_mode: "signal",
    });
    expect(existsSync(join(dir, "amp-test", "logo-32x32.png"))).toBe(true);
    expect(existsSync(join(dir, "amp-test", "logo-64x64.png"))).toBe(true);
    const defaults = cli("install", "--prefix", prefix);
    expect(defaults.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "amp-kpn", "kernel.json"), "utf8"))).toMatchObject({ display_name: "AMP KPN (TypeScript)" });

    const list = cli("list", "--prefix", prefix);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(`amp-kpn  "AMP KPN (TypeScript)"  ${join(dir, "amp-kpn")}  (this package)`);
    expect(list.stdout).toContain(`amp-test  "AMP test"  ${join(dir, "amp-test")}  (this package)`);

    const remove = cli("uninstall", "--prefix", prefix, "--name", "amp-test");
    expect(remove.status).toBe(0);
    expect(existsSync(join(dir, "amp-test"))).toBe(false);
    expect(cli("list", "--prefix", prefix).stdout).not.toContain("amp-test");
  });

  it("refuses bad names, conflicting flags, and kernels that are not this package's", () => {
    const bad = cli("install", "--prefix", prefix, "--name", "../escape");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('kernel name "../escape" is invalid');
    expect(cli("install", "--user", "--prefix", prefix).stderr).toContain("--user and --prefix exclude each other");
    mkdirSync(join(dir, "python3"), { recursive: true });
    writeFileSync(
      join(dir, "python3", "kernel.json"),
      JSON.stringify({
        argv: ["python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name: "Python 3",
        language: "python",
      }),
    );
    const foreign = cli("uninstall", "--prefix", prefix, "--name", "python3");
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain("is not an AMP KPN kernel");
    expect(existsSync(join(dir, "python3", "kernel.json"))).toBe(true);
    const missing = cli("uninstall", "--prefix", prefix, "--name", "nothing-here");
    expect(missing.stderr).toContain('no kernel "nothing-here"');
    expect(cli("frobnicate").stderr).toContain("kernel expects install, uninstall or list");
  });

  it("installs per user by default (JUPYTER_DATA_DIR, else XDG_DATA_HOME/jupyter)", () => {
    const home = mkdtempSync(join(tmpdir(), "amp-kernel-home-"));
    try {
      const run = (env: Record<string, string>, ...args: string[]) =>
        spawnSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "kernel", ...args], {
          encoding: "utf8",
          env: { ...process.env, JUPYTER_DATA_DIR: "", XDG_DATA_HOME: "", JUPYTER_PATH: "", ...env },
        });
      expect(run({ JUPYTER_DATA_DIR: join(home, "data") }, "install").status).toBe(0);
      expect(existsSync(join(home, "data", "kernels", "amp-kpn", "kernel.json"))).toBe(true);
      expect(run({ XDG_DATA_HOME: join(home, "xdg") }, "install", "--user").status).toBe(0);
      expect(existsSync(join(home, "xdg", "jupyter", "kernels", "amp-kpn", "kernel.json"))).toBe(true);
      expect(run({ XDG_DATA_HOME: join(home, "xdg") }, "list").stdout).toContain(join(home, "xdg", "jupyter", "kernels", "amp-kpn"));
      expect(run({ XDG_DATA_HOME: join(home, "xdg") }, "uninstall").status).toBe(0);
      expect(existsSync(join(home, "xdg", "jupyter", "kernels", "amp-kpn"))).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("says clearly when Jupyter is not installed", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "kernel", "install", "--prefix", prefix], {
      encoding: "utf8",
      env: { ...process.env, PATH: "/nonexistent" },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("note: Jupyter is not installed (no `jupyter` command on PATH)");
    const list = spawnSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "kernel", "list"], {
      encoding: "utf8",
      env: { ...process.env, PATH: "/nonexistent" },
    });
    expect(list.stdout).toContain("Jupyter is not installed");
  });
});

describe("host interrupt signal", () => {
  it("cancels a render started without a signal (what a kernel interrupt does)", async () => {
    let long = graph().add("o", sineOsc({ frequency: 440, channels: 64 }));
    for (let i = 0; i < 32; i += 1) long = long.add(`g${i}`, gain({ gain: 0.999 })).chain(i === 0 ? "o" : `g${i - 1}`, `g${i}`);
    long = long.add("m", mix()).chain("g31", "m").output("m");
    const controller = new AbortController();
    setInterruptSignal(controller.signal);
    try {
      expect(interruptSignal()).toBe(controller.signal);
      const pending = render(long, { seconds: 300 });
      setTimeout(() => controller.abort(new Error("interrupt")), 200);
      await expect(pending).rejects.toMatchObject({ code: "AMP_ERR_CANCELLED" });
      // Once aborted, a new render is refused until the host installs a fresh signal.
      await expect(render(long, { frames: 16 })).rejects.toMatchObject({ code: "AMP_ERR_CANCELLED" });
      setInterruptSignal(new AbortController().signal);
      await expect(render(long, { frames: 16 })).resolves.toBeDefined();
    } finally {
      setInterruptSignal(undefined);
    }
    expect(() => setInterruptSignal("no" as never)).toThrow(/expects an AbortSignal or undefined/);
  }, 120_000);
});

describe("socket bind order", () => {
  it("binds shell and control only after iopub, stdin and heartbeat are bound (no request before iopub is ready)", async () => {
    const events: string[] = [];
    const names = new Map<unknown, string>();
    const prototype = {
      async bindSocket(this: { iopub: unknown }, socket: unknown, port: number): Promise<void> {
        const name = names.get(socket) ?? "?";
        events.push(`start ${name}`);
        // iopub binds slowest, as in the failing startup.
        await new Promise((resolve) => setTimeout(resolve, name === "iopub" ? 30 : port));
        events.push(`bound ${name}`);
      },
    };
    const jupyter = { ZmqServer: { prototype }, JupyterHandlerImpl: { prototype: {} }, lastWriteDisplayData: null };
    installBindOrder(jupyter as never);
    const server = Object.create(prototype) as Record<string, unknown> & { bindSocket(s: unknown, p: number): Promise<void> };
    for (const name of ["iopub", "shell", "control", "stdin", "hb"]) {
      const socket = { name };
      names.set(socket, name);
      server[name] = socket;
    }
    // tslab's order and shape: all five binds started in one expression.
    await Promise.all(["iopub", "shell", "control", "stdin", "hb"].map((name, i) => server.bindSocket(server[name], i + 1)));
    const firstRequestSocket = Math.min(events.indexOf("start shell"), events.indexOf("start control"));
    for (const name of ["iopub", "stdin", "hb"]) expect(events.indexOf(`bound ${name}`)).toBeLessThan(firstRequestSocket);
    expect(events.filter((e) => e.startsWith("bound"))).toHaveLength(5);
  });
});
