import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnsupportedMediaTypeException,
} from "@nestjs/common";
import type { FastifyRequest } from "fastify";

export const APP_ORIGIN = "APP_ORIGIN";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * What Trellis's gateway checks before a state change: the request comes from the app's own
 * origin (Sec-Fetch-Site, else Origin), and its body is JSON, so a cross-site form cannot post.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  constructor(@Inject(APP_ORIGIN) private readonly appOrigin: string) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE_METHODS.has(request.method)) {
      return true;
    }
    const site = request.headers["sec-fetch-site"];
    const sameOrigin =
      site !== undefined ? site === "same-origin" : request.headers.origin === this.appOrigin;
    if (!sameOrigin) {
      throw new ForbiddenException("cross-site request refused: send it from the app's own origin");
    }
    if (!/^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "")) {
      throw new UnsupportedMediaTypeException("body: send application/json");
    }
    return true;
  }
}
