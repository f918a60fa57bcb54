import { cachedSessionValidator, type ValidatedSession } from "../auth/session-cache.ts";
import { USER } from "./fake-clients.ts";

export const TTL_MS = 5_000;
export const DAY_MS = 86_400_000;

/** A clock the test moves, and identity as a function that counts its checks. */
export function validatorUnderTest(
  options: {
    ttlMs?: number;
    maxEntries?: number;
    expiresInMs?: number;
    random?: () => number;
    maxBackgroundChecks?: number;
    /** Background refreshes through their own function, recorded apart from the checks. */
    separateRefresh?: boolean;
  } = {},
) {
  let clock = 1_000_000;
  const checks: string[] = [];
  const refreshes: string[] = [];
  let answer: (token: string) => Promise<ValidatedSession> = async () => ({
    user: USER,
    sessionExpireTime: new Date(clock + (options.expiresInMs ?? 30 * DAY_MS)),
    renewed: false,
  });
  const validator = cachedSessionValidator(
    (token) => {
      checks.push(token);
      return answer(token);
    },
    {
      ttlMs: options.ttlMs ?? TTL_MS,
      maxEntries: options.maxEntries ?? 100,
      now: () => clock,
      // Refresh points at the start of their window unless a test draws another.
      random: options.random ?? (() => 0),
      maxBackgroundChecks: options.maxBackgroundChecks,
      refresh: options.separateRefresh
        ? (token) => {
            refreshes.push(token);
            return answer(token);
          }
        : undefined,
    },
  );
  return {
    validator,
    checks,
    refreshes,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms;
    },
    answerWith: (next: typeof answer) => {
      answer = next;
    },
  };
}
