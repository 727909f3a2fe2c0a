// The kernel's per-socket send chain (src/kernel/send-order.ts) against a socket that behaves like
// zeromq 6: a send while another is pending throws EBUSY, and every few sends one is deferred.
import { describe, expect, it } from "vitest";
import { installSendOrder } from "../src/kernel/send-order";

class RawSocket {
  readonly delivered: unknown[] = [];
  #pending = false;
  #count = 0;

  send(message: unknown): Promise<void> {
    if (this.#pending) throw new Error("Socket is busy writing; only one send operation may be in progress at any time");
    this.#count += 1;
    if (this.#count % 4 !== 0) {
      this.delivered.push(message);
      return Promise.resolve();
    }
    this.#pending = true;
    return new Promise((resolve) =>
      setTimeout(() => {
        this.#pending = false;
        this.delivered.push(message);
        resolve();
      }, 1),
    );
  }
}

class ZmqLikeSocket extends RawSocket {}
// Patched on its own prototype (RawSocket stays raw), as the kernel patches zeromq's Socket.
Object.defineProperty(ZmqLikeSocket.prototype, "send", { value: RawSocket.prototype.send, writable: false, configurable: true });
installSendOrder(ZmqLikeSocket.prototype);

describe("kernel send order", () => {
  it("a burst of sends without waiting loses messages on the raw socket (the bug)", () => {
    const socket = new RawSocket();
    const lost = Array.from({ length: 20 }, (_, i) => i).filter((i) => {
      try {
        void socket.send(i);
        return false;
      } catch {
        return true;
      }
    });
    expect(lost.length).toBeGreaterThan(0);
  });

  it("delivers every message of a burst, in order, once the sends are chained", async () => {
    const socket = new ZmqLikeSocket();
    const sends = Array.from({ length: 200 }, (_, i) => socket.send(i));
    await Promise.all(sends);
    expect(socket.delivered).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("sends at once when nothing is outstanding (a reply before exit is not deferred)", async () => {
    const socket = new ZmqLikeSocket();
    await socket.send("a");
    void socket.send("b");
    expect(socket.delivered).toEqual(["a", "b"]);
  });
});
