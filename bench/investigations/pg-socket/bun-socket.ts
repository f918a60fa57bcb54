import { EventEmitter } from "node:events";

/**
 * A net.Socket stand-in over Bun.connect for postgres.js's `socket` option: what postgres.js
 * calls (write with a callback and a boolean answer, end, destroy, pause/resume, the data,
 * drain, error and close events). Probe only: measures whether Bun's native socket is cheaper
 * than its node:net layer under postgres.js.
 */
export class BunSocket extends EventEmitter {
  readyState = "opening";
  host = "";
  port = 0;
  private socket: Bun.Socket<undefined> | null = null;
  private pending: Uint8Array[] = [];
  private callbacks: (() => void)[] = [];

  static async open(host: string, port: number): Promise<BunSocket> {
    const wrapper = new BunSocket();
    wrapper.host = host;
    wrapper.port = port;
    wrapper.socket = await Bun.connect({
      hostname: host,
      port,
      socket: {
        data: (_s, data) => {
          wrapper.emit("data", data);
        },
        drain: () => wrapper.flush(),
        close: () => wrapper.closed(),
        error: (_s, error) => {
          wrapper.emit("error", error);
        },
      },
    });
    wrapper.socket.setNoDelay(true);
    wrapper.readyState = "open";
    return wrapper;
  }

  write(chunk: Uint8Array, callback?: () => void): boolean {
    if (this.pending.length > 0 || this.socket === null) {
      this.pending.push(chunk);
      if (callback) {
        this.callbacks.push(callback);
      }
      return false;
    }
    const written = this.socket.write(chunk);
    if (written < chunk.byteLength) {
      this.pending.push(chunk.subarray(written));
      if (callback) {
        this.callbacks.push(callback);
      }
      return false;
    }
    callback?.();
    return true;
  }

  private flush(): void {
    while (this.pending.length > 0 && this.socket) {
      const chunk = this.pending[0] as Uint8Array;
      const written = this.socket.write(chunk);
      if (written < chunk.byteLength) {
        this.pending[0] = chunk.subarray(written);
        return;
      }
      this.pending.shift();
    }
    for (const callback of this.callbacks.splice(0)) {
      callback();
    }
    this.emit("drain");
  }

  end(chunk?: Uint8Array): void {
    if (chunk) {
      this.write(chunk);
    }
    this.socket?.end();
  }

  destroy(): void {
    this.socket?.terminate();
  }

  pause(): void {}
  resume(): void {}
  setKeepAlive(): void {}

  private closed(): void {
    this.readyState = "closed";
    this.socket = null;
    this.emit("close", false);
  }
}
