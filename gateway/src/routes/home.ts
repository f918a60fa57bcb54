import { Elysia } from "elysia";

/**
 * `/` until the web app is served from here: sends the browser to the signed-in user, so a
 * sign-in (whose default landing page is `/`) ends on something to see.
 */
export function homeRoutes() {
  return new Elysia().get("/", ({ redirect }) => redirect("/api/me", 302), {
    detail: { hide: true },
  });
}
