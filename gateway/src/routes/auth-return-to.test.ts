import { expect, test } from "bun:test";
import { encodePendingLogin } from "../auth/login-cookie.ts";
import { APP_ORIGIN, fakeProvider, testApp } from "../testing/test-app.ts";

// Where a browser lands after signing in: the callback's Location, resolved as a browser
// resolves it (against the callback's own URL), must stay on the app's origin.

const CALLBACK = "/auth/github/callback?code=c&state=s-github";

/** Signs in through /login and /callback as a browser would, and answers the final Location. */
async function landingAfterSignIn(returnTo: string): Promise<string> {
  const { request } = testApp({ providers: { github: fakeProvider("github") } });
  const login = await request(`/auth/github/login?${new URLSearchParams({ returnTo })}`);
  const loginCookie = login.headers
    .getSetCookie()
    .find((line) => line.startsWith("__Host-login="))
    ?.split(";")[0];
  expect(loginCookie).toBeDefined();
  const callback = await request(CALLBACK, { headers: { cookie: loginCookie ?? "" } });
  expect(callback.status).toBe(302);
  return callback.headers.get("location") ?? "";
}

const shapes = [
  { returnTo: "/notes?page=2", want: "/notes?page=2" },
  { returnTo: "/.//evil.example/x", want: "/" },
  { returnTo: "/a/..//evil.example", want: "/" },
  { returnTo: "/%2e//evil.example", want: "/" },
  { returnTo: "/./\\evil.example", want: "/" },
  { returnTo: "/.\t//evil.example", want: "/" },
  { returnTo: "/.//evil%E3%80%82example", want: "/" },
];

test.each(shapes)(
  "signing in with returnTo $returnTo lands on $want",
  async ({ returnTo, want }) => {
    const location = await landingAfterSignIn(returnTo);

    expect(location).toBe(want);
    expect(new URL(location, `${APP_ORIGIN}${CALLBACK}`).origin).toBe(APP_ORIGIN);
  },
);

test("the callback checks the login cookie's returnTo again before redirecting", async () => {
  const { request } = testApp({ providers: { github: fakeProvider("github") } });
  // The cookie is not signed: one written by hand (or by an older gateway) is input too.
  const pending = { provider: "github" as const, state: "s-github", verifier: "v", nonce: null };
  const cookie = `__Host-login=${encodePendingLogin({ ...pending, returnTo: "//evil.example/x" })}`;

  const response = await request(CALLBACK, { headers: { cookie } });

  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe("/");
});
