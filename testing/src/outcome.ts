import { AppError, type ErrorCode } from "@trellis/service-kit";

/**
 * How a handler call ended, in the terms a client sees: the response, an AppError's code and
 * message, or INTERNAL for any other error (bindService hides those as "internal error").
 */
export type Outcome<Response> =
  | { ok: Response }
  | { code: ErrorCode; message: string }
  | { code: "INTERNAL" };

/** Awaits a handler call and says how it ended, so a test compares one value per case. */
export async function outcome<Response>(call: Promise<Response>): Promise<Outcome<Response>> {
  try {
    return { ok: await call };
  } catch (error) {
    if (error instanceof AppError) {
      return { code: error.code, message: error.message };
    }
    return { code: "INTERNAL" };
  }
}

/** The outcome of a handler that rejected the input, as bindService reports it. */
export function invalid(message: string): Outcome<never> {
  return { code: "INVALID_ARGUMENT", message };
}
