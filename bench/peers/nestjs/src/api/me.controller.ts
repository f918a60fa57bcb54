import { Controller, Get, Header, UseGuards } from "@nestjs/common";
import { SessionGuard } from "./session.guard.js";
import { CurrentUser, type UserJson } from "./user.js";

@Controller("api")
@UseGuards(SessionGuard)
export class MeController {
  /** GET /api/me: the signed-in user, from the session check alone. Errors: 401. */
  @Get("me")
  @Header("cache-control", "no-store")
  me(@CurrentUser() user: UserJson): UserJson {
    return user;
  }
}
