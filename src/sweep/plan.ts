/**
 * Splits a sweep's points into jobs. With packing, points whose graphs differ only in the values
 * of packable (signal) parameters form a group; a group is cut into jobs of at most `packSize`
 * points (and into at least `parallel` jobs when it has enough points, so every worker gets one).
 * A job of several points renders the first point's graph with per-lane overrides of the
 * parameters whose values differ inside it; a job of one point renders that point's own graph.
 */
import type { Graph } from "../graph/graph";
import type { SweepPoint } from "./grid";
import type { JobOverride, JobRuntime, SweepAudio, SweepJob, SweepRenderSettings } from "./job";
import type { SweepMeasure } from "./measure";
import type { SweepTarget } from "./targets";

/** What {@link planJobs} needs. */
export interface PlanInput {
  readonly graphs: readonly Graph[];
  readonly hashes: readonly string[];
  readonly points: readonly SweepPoint[];
  readonly targets: readonly SweepTarget[];
  readonly settings: SweepRenderSettings;
  readonly measure: SweepMeasure;
  readonly audio: SweepAudio | undefined;
  readonly pack: boolean;
  readonly packSize: number;
  readonly parallel: number;
  readonly runtime?: JobRuntime;
  /** Indices of points not to render (taken from a results file). */
  readonly skip?: ReadonlySet<number>;
}

/** The jobs of a sweep, in point order within each group, groups in first-seen order. */
export function planJobs(input: PlanInput): SweepJob[] {
  const { points, targets } = input;
  const groups = new Map<string, number[]>();
  points.forEach((point, index) => {
    if (input.skip?.has(index) === true) return;
    const key = input.pack ? JSON.stringify(targets.filter((t) => !t.packable).map((t) => point[t.path])) : String(index);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [index]);
    else group.push(index);
  });
  const jobs: SweepJob[] = [];
  for (const members of groups.values()) {
    const size = Math.max(1, Math.min(input.packSize, Math.ceil(members.length / input.parallel)));
    for (let start = 0; start < members.length; start += size) jobs.push(job(input, members.slice(start, start + size)));
  }
  return jobs;
}

function job(input: PlanInput, members: readonly number[]): SweepJob {
  const first = members[0] as number;
  const overrides: JobOverride[] = [];
  if (members.length > 1) {
    for (const target of input.targets) {
      if (!target.packable) continue;
      const values = members.map((i) => (input.points[i] as SweepPoint)[target.path] as number);
      if (values.some((v) => v !== values[0])) overrides.push({ node: target.node, param: target.param, values });
    }
  }
  return {
    graph: (input.graphs[first] as Graph).toJSON(),
    render: input.settings,
    measure: input.measure,
    points: members.map((index) => ({ index, hash: input.hashes[index] as string })),
    overrides,
    ...(input.audio === undefined ? {} : { audio: input.audio }),
    ...(input.runtime === undefined ? {} : { runtime: input.runtime }),
  };
}
