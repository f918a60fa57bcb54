import { expect, test } from "bun:test";
import { LoginError } from "./login-error.ts";
import { loginFailure } from "./sign-in-failure.ts";

const kinds = [
  {
    kind: "state",
    message: "the sign-in link is invalid or expired",
    status: 400,
    signIn: "invalid",
  },
  { kind: "denied", message: "the provider refused the sign-in", status: 400, signIn: "denied" },
  {
    kind: "exchange",
    message: "the provider did not complete the sign-in",
    status: 502,
    signIn: "provider",
  },
  {
    kind: "rejected",
    message: "the provider's answer failed verification",
    status: 502,
    signIn: "rejected",
  },
  {
    kind: "config",
    message: "sign-in with google is misconfigured",
    status: 500,
    signIn: "misconfigured",
  },
] as const;

test.each(kinds)(
  "a LoginError $kind is LOGIN_FAILED $status as JSON and /signin?error=$signIn in a browser",
  ({ kind, message, status, signIn }) => {
    const failure = loginFailure(new LoginError(kind, message));

    expect({
      status: failure.json.status,
      code: failure.json.code,
      message: failure.json.message,
      signIn: failure.signIn,
    }).toEqual({ status, code: "LOGIN_FAILED", message, signIn });
  },
);
