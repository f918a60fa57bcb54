import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from "@nestjs/common";
import { IdentityClient } from "./clients.js";
import { type SignedInRequest, toUserJson } from "./user.js";

/** The cookie Trellis's gateway sets on a plain-http origin (`__Host-session` on https). */
export const SESSION_COOKIE = "session";

/** Every request's session, checked by the identity service over gRPC (no cache). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly identity: IdentityClient) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SignedInRequest>();
    const token = request.cookies[SESSION_COOKIE];
    if (token === undefined || token === "") {
      throw new UnauthorizedException("sign in first");
    }
    const { user } = await this.identity.validateSession(token);
    if (user === null) {
      throw new UnauthorizedException("sign in first");
    }
    request.user = toUserJson(user);
    return true;
  }
}
