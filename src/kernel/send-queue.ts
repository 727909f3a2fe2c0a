/**
 * One send at a time per socket. zeromq 6 refuses a send while an earlier one on the same socket
 * is still waiting to be queued ("Socket is busy writing", EBUSY), which happens when its I/O
 * thread lags (a loaded machine). tslab sends without waiting, so such a refusal lost a message:
 * the kernel soak saw an execute_reply, or the idle status after it, go missing after a few
 * hundred cells. Every socket tslab binds gets its sends chained here, in call order; a send
 * that still fails is logged to the kernel log instead of becoming an unhandled rejection.
 */
import type { TslabJupyterModule, TslabServer } from "./tslab-internals";

interface Sender {
  send(frames: unknown): Promise<void>;
}

/** Chains the sends of `socket` (once per socket); failures go to `log`. */
export function serializeSends(socket: Sender, log: (line: string) => void): void {
  const send = socket.send.bind(socket);
  let tail: Promise<void> = Promise.resolve();
  socket.send = (frames: unknown): Promise<void> => {
    tail = tail
      .then(() => send(frames))
      .catch((error: unknown) => {
        log(`a message could not be sent: ${error instanceof Error ? error.message : String(error)}`);
      });
    return tail;
  };
}

/** Patches tslab's ZmqServer.bindSocket so that every socket it binds sends one message at a time. */
export function installSendQueue(jupyter: TslabJupyterModule, log: (line: string) => void): void {
  const server = jupyter.ZmqServer.prototype;
  const bindSocket = server.bindSocket;
  const done = new WeakSet<object>();
  server.bindSocket = function queuedBind(this: TslabServer, socket: unknown, port: number): Promise<void> {
    if (typeof socket === "object" && socket !== null && !done.has(socket) && typeof (socket as Partial<Sender>).send === "function") {
      done.add(socket);
      serializeSends(socket as Sender, log);
    }
    return bindSocket.call(this, socket, port);
  };
}
