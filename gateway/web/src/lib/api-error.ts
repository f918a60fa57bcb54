/** A failed API call, with the words to show the user. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  /** The HTTP status; 0 when no answer came back at all. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export const OFFLINE_MESSAGE = "Can't reach Trellis. Check your connection and try again.";
export const GENERIC_MESSAGE = "Something went wrong on our side. Please try again in a moment.";
export const SIGNED_OUT_MESSAGE = "Your session has ended. Please sign in again.";

/**
 * The error for a non-2xx answer. A 4xx is about the user's own request, and the gateway
 * passes only messages safe to show there, so its words are shown; anything else gets a
 * generic sentence (the gateway already hides 5xx details, and a proxy's page is no message).
 */
export function apiErrorFor(status: number, body: unknown): ApiError {
  if (status === 401) {
    return new ApiError(status, SIGNED_OUT_MESSAGE);
  }
  const message = status >= 400 && status < 500 ? serverMessage(body) : null;
  return new ApiError(status, message === null ? GENERIC_MESSAGE : sentence(message));
}

/** The message of a gateway error body `{ error: { code, message, requestId } }`, or null. */
function serverMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("error" in body)) {
    return null;
  }
  const { error } = body;
  if (typeof error !== "object" || error === null || !("message" in error)) {
    return null;
  }
  return typeof error.message === "string" && error.message.trim() !== "" ? error.message : null;
}

/** "title: must not be empty" -> "Title: must not be empty." */
function sentence(message: string): string {
  const text = message.trim();
  const capitalized = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized}.`;
}
