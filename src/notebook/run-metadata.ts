/**
 * What an executed notebook records about the run, under `metadata.amp_kpn`:
 *
 * - `package`: the amp-kpn version of the kernel (kernel_info `implementation_version`);
 * - `nativeApiVersion`, `nativeBuildId`: the addon's C ABI version and the sha256 of the addon
 *   file (`nativeBuildInfo()`), read inside the kernel;
 * - `arch`, `platform`, `node`: the kernel process's `process.arch`, `process.platform`, `process.version`;
 * - `tslab`, `typescript`: from the kernel's banner and `language_info.version`;
 * - `renderedGraphs`: content hashes (`graph.hash`) of every graph rendered in the session, in
 *   first-render order (`renderedGraphs()`, recorded by every `render` / `Runtime.render`);
 * - `kernel`: the kernel name and where it came from (a kernelspec folder, or `"direct"`);
 * - `parameters`: the `--param` values injected; `seconds`: wall time of the run;
 * - `failure`: the failing cell, error name and message, when the run stopped.
 *
 * The kernel-side facts come from one extra request after the last cell, not stored in
 * history: it prints one line `AMP_KPN_RUN_PROBE <json>` to stdout.
 */
import type { KernelChoice } from "./kernel-locate";
import type { KernelReply } from "./kernel-client";
import type { CellFailure } from "./runner";

/** The marker the probe line starts with. */
export const PROBE_MARKER = "AMP_KPN_RUN_PROBE ";

/** The cell the runner sends after the last one (names chosen not to clash with a notebook's). */
export const PROBE_CODE = `import { renderedGraphs as ampKpnRunProbeGraphs, nativeBuildInfo as ampKpnRunProbeBuild } from "amp-kpn";
{
  const build = ampKpnRunProbeBuild();
  console.log(${JSON.stringify(PROBE_MARKER)} + JSON.stringify({
    nativeApiVersion: build.apiVersion,
    nativeBuildId: build.buildId,
    arch: process.arch,
    platform: process.platform,
    node: process.version,
    renderedGraphs: ampKpnRunProbeGraphs(),
  }));
}
`;

/** The kernel-side facts of a session. */
export interface SessionProbe {
  readonly nativeApiVersion: number;
  readonly nativeBuildId: string;
  readonly arch: string;
  readonly platform: string;
  readonly node: string;
  readonly renderedGraphs: readonly string[];
}

/** Reads the probe's answer; throws when the kernel did not print it. */
export function readProbe(reply: KernelReply): SessionProbe {
  const text = reply.iopub
    .filter((m) => m.header.msg_type === "stream")
    .map((m) => String(m.content["text"] ?? ""))
    .join("");
  const line = text.split("\n").find((l) => l.startsWith(PROBE_MARKER));
  if (line === undefined || reply.reply.content["status"] !== "ok") {
    const error = reply.iopub.find((m) => m.header.msg_type === "error");
    const why = error === undefined ? text.trim() : `${String(error.content["ename"])}: ${String(error.content["evalue"])}`;
    throw new Error(`the kernel did not report its session facts (is it an AMP KPN kernel?): ${why}`);
  }
  return JSON.parse(line.slice(PROBE_MARKER.length)) as SessionProbe;
}

/** The `metadata.amp_kpn` record of a run. */
export interface RunMetadata {
  package: string | null;
  nativeApiVersion: number | null;
  nativeBuildId: string | null;
  arch: string | null;
  platform: string | null;
  node: string | null;
  tslab: string | null;
  typescript: string | null;
  renderedGraphs: string[];
  kernel: { name: string; source: string };
  parameters: Record<string, string>;
  seconds: number;
  failure?: CellFailure;
}

/** Builds the record from kernel_info's content, the probe (absent after a failure) and the run. */
export function runMetadata(run: {
  info: Record<string, unknown>;
  probe: SessionProbe | undefined;
  kernel: KernelChoice;
  parameters: Readonly<Record<string, string>>;
  seconds: number;
  failure: CellFailure | undefined;
}): RunMetadata {
  const { info, probe } = run;
  const banner = typeof info["banner"] === "string" ? info["banner"] : "";
  const languageInfo = (info["language_info"] ?? {}) as Record<string, unknown>;
  const record: RunMetadata = {
    package: typeof info["implementation_version"] === "string" ? info["implementation_version"] : null,
    nativeApiVersion: probe?.nativeApiVersion ?? null,
    nativeBuildId: probe?.nativeBuildId ?? null,
    arch: probe?.arch ?? null,
    platform: probe?.platform ?? null,
    node: probe?.node ?? null,
    tslab: /tslab (\S+?)\)?(,|$|\s)/.exec(banner)?.[1] ?? null,
    typescript: typeof languageInfo["version"] === "string" ? languageInfo["version"] : null,
    renderedGraphs: [...(probe?.renderedGraphs ?? [])],
    kernel: { name: run.kernel.name, source: run.kernel.source },
    parameters: { ...run.parameters },
    seconds: Math.round(run.seconds * 10) / 10,
  };
  if (run.failure !== undefined) record.failure = run.failure;
  return record;
}
