import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import type { FastifyRequest } from "fastify";
import { isoOf } from "../shared/grpc.js";
import type { UserMessage } from "./clients.js";

/** The signed-in user as /api/me answers it (the shape of Trellis's gateway). */
export interface UserJson {
  id: string;
  name: string;
  email: string;
  avatarUrl: string;
  createTime: string;
}

/** The request once SessionGuard has checked its cookie. */
export type SignedInRequest = FastifyRequest & { user?: UserJson };

export function toUserJson(user: UserMessage): UserJson {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    avatarUrl: user.avatarUrl,
    createTime: isoOf(user.createTime),
  };
}

/** The user SessionGuard put on the request. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const user = context.switchToHttp().getRequest<SignedInRequest>().user;
  if (user === undefined) {
    throw new Error("CurrentUser without SessionGuard");
  }
  return user;
});
