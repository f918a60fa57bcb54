import type { CheckRequest, CheckResponse, HealthStatus } from "../wire/health-definition.ts";
import { status } from "../wire/status.ts";
import type {
  ServerCall,
  ServerStream,
  ServiceImplementation,
  UnaryAnswer,
} from "./server-call.ts";

/** Serving status per service name ("" is the whole server), answered over grpc.health.v1. */
export class HealthRegistry {
  private readonly statuses = new Map<string, HealthStatus>();
  private readonly watchers = new Map<string, Set<(status: HealthStatus) => void>>();
  private readonly streams = new Set<{ end(): void }>();

  constructor(initial: Record<string, HealthStatus>) {
    for (const [name, state] of Object.entries(initial)) {
      this.statuses.set(name, state);
    }
  }

  set(name: string, state: HealthStatus): void {
    this.statuses.set(name, state);
    for (const notify of this.watchers.get(name) ?? []) {
      notify(state);
    }
  }

  /** How many service names have a Watch stream open (each name once). */
  get watchedNames(): number {
    return this.watchers.size;
  }

  /** Ends every Watch stream (status OK), which would otherwise hold a draining server open. */
  endWatches(): void {
    for (const stream of this.streams) {
      stream.end();
    }
    this.streams.clear();
    this.watchers.clear();
  }

  implementation(): ServiceImplementation {
    const check = async (call: ServerCall): Promise<UnaryAnswer<CheckResponse>> => {
      const { service } = call.request as CheckRequest;
      const state = this.statuses.get(service);
      return state === undefined
        ? { error: { code: status.NOT_FOUND, details: "unknown service" } }
        : { response: { status: state } };
    };
    const watch = (call: ServerStream): void => {
      const stream = call as ServerStream<CheckRequest, CheckResponse>;
      const name = stream.request.service;
      const notify = (state: HealthStatus): void => stream.write({ status: state });
      const watchers = this.watchers.get(name) ?? new Set();
      this.watchers.set(name, watchers);
      watchers.add(notify);
      this.streams.add(stream);
      stream.signal.addEventListener("abort", () => {
        watchers.delete(notify);
        this.streams.delete(stream);
        // A client may Watch any name: an entry kept for a name nobody watches any more would
        // let a client grow this map without bound, one random name per stream.
        if (watchers.size === 0 && this.watchers.get(name) === watchers) {
          this.watchers.delete(name);
        }
      });
      notify(this.statuses.get(name) ?? "SERVICE_UNKNOWN");
    };
    return { check, watch };
  }
}
