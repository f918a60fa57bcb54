import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { CheckRequest, CheckResponse, HealthStatus } from "../wire/health-definition.ts";

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

  /** Ends every Watch stream, which would otherwise hold a draining server open. */
  endWatches(): void {
    for (const stream of this.streams) {
      stream.end();
    }
    this.streams.clear();
    this.watchers.clear();
  }

  implementation(): UntypedServiceImplementation {
    const check: handleUnaryCall<CheckRequest, CheckResponse> = (call, callback) => {
      const state = this.statuses.get(call.request.service);
      if (state === undefined) {
        callback({ code: status.NOT_FOUND, details: `unknown service ${call.request.service}` });
      } else {
        callback(null, { status: state });
      }
    };
    const watch: handleServerStreamingCall<CheckRequest, CheckResponse> = (call) => {
      const name = call.request.service;
      const notify = (state: HealthStatus): void => {
        call.write({ status: state });
      };
      const watchers = this.watchers.get(name) ?? new Set();
      this.watchers.set(name, watchers);
      watchers.add(notify);
      this.streams.add(call);
      call.on("cancelled", () => {
        watchers.delete(notify);
        this.streams.delete(call);
      });
      notify(this.statuses.get(name) ?? "SERVICE_UNKNOWN");
    };
    return { check, watch };
  }
}
