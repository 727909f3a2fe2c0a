/**
 * One send at a time per socket. zeromq 6 refuses a send (EBUSY, thrown) while an earlier send on
 * the same socket is still pending, and after a run of immediate sends it defers the next one to
 * keep the event loop alive, so a burst of messages (a cell's outputs, replies to queued requests)
 * leaves a send pending. tslab sends without waiting: the refused message was lost (a reply or an
 * idle status never arrived). Every socket's sends are chained here, in call order; a send made
 * while none is outstanding still goes out synchronously (a reply sent just before exit is kept).
 *
 * zeromq's sockets are sealed and `send` is a read-only prototype property, so the chain is
 * installed on the prototype (configurable): in the kernel process every zeromq socket, tslab's
 * and any a cell makes, queues its sends instead of throwing EBUSY.
 */
import * as zmq from "zeromq";

type Send = (this: object, ...args: unknown[]) => Promise<void>;

interface Chain {
  outstanding: number;
  tail: Promise<void>;
}

/** Wraps `send` so that each `this` sends one message at a time, in call order. */
export function chainedSend(send: Send): Send {
  const chains = new WeakMap<object, Chain>();
  return function sendInOrder(this: object, ...args: unknown[]): Promise<void> {
    let chain = chains.get(this);
    if (chain === undefined) {
      chain = { outstanding: 0, tail: Promise.resolve() };
      chains.set(this, chain);
    }
    const state = chain;
    const sent = state.outstanding === 0 ? Promise.resolve(send.apply(this, args)) : state.tail.then(() => send.apply(this, args));
    state.outstanding += 1;
    const settle = (): void => {
      state.outstanding -= 1;
    };
    state.tail = sent.then(settle, settle);
    return sent;
  };
}

/** Replaces `prototype.send` by its chained version (once per prototype). */
export function installSendOrder(prototype: object = zmq.Socket.prototype): void {
  const current = Object.getOwnPropertyDescriptor(prototype, "send");
  if (current === undefined || typeof current.value !== "function") throw new Error("installSendOrder: the prototype has no send method");
  if (installed.has(prototype)) return;
  installed.add(prototype);
  Object.defineProperty(prototype, "send", { ...current, value: chainedSend(current.value as Send) });
}

const installed = new WeakSet<object>();
