/** Holds every call until `release()`, counting those that came. */
export function callGate() {
  let calls = 0;
  let releaseAll: () => void = () => {};
  let released = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  const hold =
    <Request, Response>(answer: (request: Request) => Promise<Response>) =>
    async (request: Request): Promise<Response> => {
      calls += 1;
      await released;
      return answer(request);
    };
  return {
    hold,
    /** Calls that reached the service, answered or still held. */
    calls: () => calls,
    /** Resolves once `count` calls have reached the service. */
    async reached(count: number) {
      while (calls < count) {
        await Bun.sleep(1);
      }
    },
    release() {
      releaseAll();
      released = Promise.resolve();
    },
  };
}
