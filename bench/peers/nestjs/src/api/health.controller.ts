import { Controller, Get } from "@nestjs/common";

@Controller()
export class HealthController {
  /** What the bench waits for before it loads the peer. */
  @Get("healthz")
  health(): { status: string } {
    return { status: "ok" };
  }
}
