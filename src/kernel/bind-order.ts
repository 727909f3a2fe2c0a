/**
 * Socket bind order. tslab 1.0.22 binds its five sockets in parallel, so a request can reach the
 * shell socket while iopub is still binding; the reply's status message then throws EBUSY
 * (zeromq refuses to send on a socket during a bind) as an unhandled rejection and the kernel
 * dies at startup. Binding the request sockets (shell, control) only after iopub, stdin and the
 * heartbeat are bound means no request can arrive before every socket it answers on is ready.
 *
 * A bind that fails (the port taken since the client chose it: EADDRINUSE) ends the kernel with
 * exit status {@link BIND_FAILURE_EXIT} and a log line naming the port. tslab starts its server
 * without waiting, so the failure was an unhandled rejection and the kernel lived on, deaf, until
 * its client gave up; exiting lets the client start it again on other ports.
 */
import { BIND_FAILURE_EXIT } from "./exit-status";
import { kernelLog } from "./protocol";
import type { TslabJupyterModule, TslabServer } from "./tslab-internals";

/** Patches tslab's ZmqServer.bindSocket; call once, before `startKernel`. */
export function installBindOrder(jupyter: TslabJupyterModule): void {
  const server = jupyter.ZmqServer.prototype;
  const bindSocket = server.bindSocket;
  const otherBinds = new WeakMap<TslabServer, Promise<void>[]>();

  server.bindSocket = function bindOrExit(this: TslabServer, socket: unknown, port: number): Promise<void> {
    return orderedBind.call(this, socket, port).catch((error: unknown) => {
      kernelLog(`cannot bind port ${port}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(BIND_FAILURE_EXIT);
    });
  };

  async function orderedBind(this: TslabServer, socket: unknown, port: number): Promise<void> {
    const started = otherBinds.get(this) ?? [];
    otherBinds.set(this, started);
    if (socket !== this.shell && socket !== this.control) {
      const bound = bindSocket.call(this, socket, port);
      started.push(bound);
      return bound;
    }
    // tslab starts all five binds in one synchronous expression: one microtask later, every
    // non-request bind has been started and listed.
    await Promise.resolve();
    await Promise.all(started);
    return bindSocket.call(this, socket, port);
  }
}
