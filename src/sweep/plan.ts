/**
 * Splits a sweep's points into jobs. Points whose graphs differ only in the values of packable
 * (signal) parameters form a group, whose jobs all carry the graph of its first point (so a
 * worker compiles it once and reuses the runtime for the group's next jobs) and every point's
 * values of the packable parameters. With packing, a group is cut into jobs of at most
 * `packSize` points (and into at least `parallel` jobs when it has enough points, so every
 * worker gets one), each rendering its points as batch lanes; without, each point is a job.
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
    const key = JSON.stringify(targets.filter((t) => !t.packable).map((t) => point[t.path]));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [index]);
    else group.push(index);
  });
  const jobs: SweepJob[] = [];
  for (const members of groups.values()) {
    const size = input.pack ? Math.max(1, Math.min(input.packSize, Math.ceil(members.length / input.parallel))) : 1;
    const base = members[0] as number;
    for (let start = 0; start < members.length; start += size) jobs.push(job(input, base, members.slice(start, start + size)));
  }
  return jobs;
}

function job(input: PlanInput, base: number, members: readonly number[]): SweepJob {
  const overrides: JobOverride[] = input.targets
    .filter((target) => target.packable)
    .map((target) => ({
      node: target.node,
      param: target.param,
      values: members.map((i) => (input.points[i] as SweepPoint)[target.path] as number),
    }));
  return {
    graph: (input.graphs[base] as Graph).toJSON(),
    graphHash: input.hashes[base] as string,
    render: input.settings,
    measure: input.measure,
    points: members.map((index) => ({ index, hash: input.hashes[index] as string })),
    overrides,
    ...(input.audio === undefined ? {} : { audio: input.audio }),
    ...(input.runtime === undefined ? {} : { runtime: input.runtime }),
  };
}
