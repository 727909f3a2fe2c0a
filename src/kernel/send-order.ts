/**
 * One send at a time per socket. zeromq 6 refuses a send (EBUSY, thrown) while an earlier send on
 * the same socket is still pending, and after a run of immediate sends it defers the next one to
 * keep the event loop alive, so a burst of messages (a cell's outputs, replies to queued requests)
 * leaves a send pending. tslab sends without waiting: the refused message was lost (a reply or an
 * idle status never arrived). Each socket's sends are chained here, in call order; a send made
 * while none is outstanding still goes out synchronously (a reply sent just before exit is kept).
 */
import type { TslabJupyterModule, TslabServer } from "./tslab-internals";

interface SendingSocket {
  send(message: unknown): Promise<void>;
}

/** Replaces `socket.send` by a version that waits for the socket's earlier sends to settle. */
export function serialiseSends(socket: SendingSocket): void {
  const send = socket.send.bind(socket);
  let outstanding = 0;
  let tail: Promise<void> = Promise.resolve();
  socket.send = (message: unknown): Promise<void> => {
    const sent = outstanding === 0 ? Promise.resolve(send(message)) : tail.then(() => send(message));
    outstanding += 1;
    tail = sent.then(
      () => {
        outstanding -= 1;
      },
      () => {
        outstanding -= 1;
      },
    );
    return sent;
  };
}

/** Patches tslab's ZmqServer.bindSocket so every socket it binds sends one message at a time. */
export function installSendOrder(jupyter: TslabJupyterModule): void {
  const server = jupyter.ZmqServer.prototype;
  const bindSocket = server.bindSocket;
  server.bindSocket = function bindSerialised(this: TslabServer, socket: unknown, port: number): Promise<void> {
    serialiseSends(socket as SendingSocket);
    return bindSocket.call(this, socket, port);
  };
}
