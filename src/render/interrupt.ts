/**
 * The host interrupt signal: one process-wide `AbortSignal` that every render also honours, so a
 * host (the notebook kernel, a CLI catching Ctrl-C) can cancel renders a user started without
 * passing `signal`. When it aborts, every render in flight raises its runtime's cancel flag and
 * rejects with `AMP_ERR_CANCELLED`, exactly as if its own `signal` had aborted.
 *
 * The slot lives on `globalThis` under `Symbol.for("amp-kpn.interruptSignal")`, so two copies of
 * this library in one process (e.g. the kernel's and a notebook folder's `node_modules`) share it.
 * A host replaces the signal after each interrupt (an aborted signal stays aborted).
 */
import { validationError } from "../errors";

const SLOT: unique symbol = Symbol.for("amp-kpn.interruptSignal") as never;

type Slot = { [SLOT]?: AbortSignal | undefined };

/**
 * Installs the host interrupt signal (or removes it with `undefined`). Renders started afterwards
 * honour it; renders already running keep the signal they started with.
 * @param signal - an AbortSignal owned by the host, or undefined
 */
export function setInterruptSignal(signal: AbortSignal | undefined): void {
  if (signal !== undefined && !(typeof signal === "object" && signal !== null && typeof signal.aborted === "boolean"))
    throw validationError({ param: "signal", label: "argument" }, "an AbortSignal or undefined", signal);
  (globalThis as Slot)[SLOT] = signal;
}

/** The host interrupt signal installed by {@link setInterruptSignal}, if any. */
export function interruptSignal(): AbortSignal | undefined {
  return (globalThis as Slot)[SLOT];
}
