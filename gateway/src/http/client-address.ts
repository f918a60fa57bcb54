import type { Server } from "bun";

/**
 * The client's address, for rate limits. Behind a proxy (TRUST_PROXY=true) it is the last
 * X-Forwarded-For entry: the one our proxy appended, which a client cannot forge.
 */
export function clientAddress(
  request: Request,
  server: Pick<Server<unknown>, "requestIP"> | null,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) {
      return forwarded;
    }
  }
  return server?.requestIP(request)?.address ?? "unknown";
}
