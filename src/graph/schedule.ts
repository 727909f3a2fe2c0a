/** Checks of an explicit schedule (stages of node names) at the TypeScript edge; the runtime checks the dependencies. */
import { invalidError, validationError } from "../errors";
import type { NodeJSON } from "./json";

/**
 * A frozen copy of `stages`, after checking that it is an array of arrays of names of existing
 * nodes (`requireNode` throws for others) and that no node is listed twice.
 */
export function copySchedule(stages: unknown, requireNode: (name: unknown, role: string) => unknown): readonly (readonly string[])[] {
  if (!Array.isArray(stages))
    throw validationError({ param: "schedule", label: "graph" }, "an array of stages (arrays of node names)", stages);
  const seen = new Set<string>();
  const copy = stages.map((stage: unknown, s) => {
    if (!Array.isArray(stage)) throw validationError({ param: `schedule[${s}]`, label: "graph" }, "an array of node names", stage);
    return Object.freeze(
      stage.map((name: unknown) => {
        requireNode(name, `schedule[${s}]`);
        if (seen.has(name as string)) throw invalidError({ node: name as string }, "is listed twice in the schedule");
        seen.add(name as string);
        return name as string;
      }),
    );
  });
  return Object.freeze(copy);
}

/** Throws naming the first node an explicit schedule leaves out (every node is listed once). */
export function checkScheduleComplete(schedule: readonly (readonly string[])[] | undefined, nodes: readonly NodeJSON[]): void {
  if (schedule === undefined) return;
  const listed = new Set(schedule.flat());
  const missing = nodes.filter((n) => !listed.has(n.name)).map((n) => n.name);
  if (missing.length > 0)
    throw invalidError(
      { node: missing[0] },
      `is not in the schedule; an explicit schedule lists every node once (missing: ${missing.join(", ")})`,
    );
}

/** A schedule without `name` (stages left empty are dropped). */
export function scheduleWithout(
  schedule: readonly (readonly string[])[] | undefined,
  name: string,
): readonly (readonly string[])[] | undefined {
  if (schedule === undefined) return undefined;
  return Object.freeze(schedule.map((stage) => Object.freeze(stage.filter((n) => n !== name))).filter((stage) => stage.length > 0));
}
