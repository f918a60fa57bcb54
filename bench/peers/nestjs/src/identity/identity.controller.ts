import { status } from "@grpc/grpc-js";
import { Controller } from "@nestjs/common";
import { GrpcMethod, RpcException } from "@nestjs/microservices";
import { type Timestamp, toTimestamp } from "../shared/grpc.js";
import { parseSessionToken, secretMatches } from "./session-token.js";
import { SessionsRepository } from "./sessions.repository.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Trellis's sliding expiry: a session with less than 15 days left is renewed for 30. */
const LIFETIME_MS = 30 * DAY_MS;
const RENEW_WITHIN_MS = 15 * DAY_MS;

interface ValidateSessionResponse {
  user: { id: string; name: string; email: string; avatarUrl: string; createTime: Timestamp };
  sessionExpireTime: Timestamp;
  renewed: boolean;
}

@Controller()
export class IdentityController {
  constructor(private readonly sessions: SessionsRepository) {}

  /**
   * The user of a live session, renewing it in its second half of life; deletes an expired one.
   * Errors: UNAUTHENTICATED, the same for every cause.
   */
  @GrpcMethod("IdentityService", "ValidateSession")
  async validateSession(request: { sessionToken: string }): Promise<ValidateSessionResponse> {
    const token = parseSessionToken(request.sessionToken);
    if (token === null) {
      throw invalidSession();
    }
    const found = await this.sessions.findWithUser(token.id);
    if (found === null || !secretMatches(token.secret, found.secretHash)) {
      throw invalidSession();
    }
    const now = Date.now();
    if (found.expiresAt.getTime() <= now) {
      await this.sessions.delete(found.id);
      throw invalidSession();
    }
    let expiresAt = found.expiresAt;
    const renewed = expiresAt.getTime() - now < RENEW_WITHIN_MS;
    if (renewed) {
      expiresAt = new Date(now + LIFETIME_MS);
      await this.sessions.setExpiry(found.id, expiresAt);
    }
    const { createdAt, ...profile } = found.user;
    return {
      user: { ...profile, createTime: toTimestamp(createdAt) },
      sessionExpireTime: toTimestamp(expiresAt),
      renewed,
    };
  }
}

function invalidSession(): RpcException {
  return new RpcException({ code: status.UNAUTHENTICATED, message: "invalid session" });
}
