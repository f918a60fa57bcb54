// grpc-js's table, not the kit's: node-client.ts uses this file, and a bundle for Node may not
// reach the kit, which imports Bun's own modules.
import { status } from "@grpc/grpc-js";

/** How a client call ended: the response, or the status code name and details. */
export type CallOutcome<Response> = { ok: Response } | { code: string; details: string };

/**
 * Awaits a kit client call and says how it ended; a rejection that is not a gRPC status (a bug
 * in the test) is rethrown.
 */
export async function callOutcome<Response>(
  call: Promise<Response>,
): Promise<CallOutcome<Response>> {
  try {
    return { ok: await call };
  } catch (error) {
    if (isServiceError(error)) {
      return { code: statusName(error.code), details: error.details };
    }
    throw error;
  }
}

/** "NOT_FOUND" for 5: tests compare names, which read better in a failed assertion. */
export function statusName(code: number): string {
  return status[code] ?? String(code);
}

function isServiceError(error: unknown): error is { code: number; details: string } {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "number" &&
    "details" in error &&
    typeof error.details === "string"
  );
}
