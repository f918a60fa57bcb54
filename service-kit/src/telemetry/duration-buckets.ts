/**
 * Histogram bucket bounds for request and call durations, in seconds: the ones the HTTP semantic
 * conventions advise for http.server.request.duration, below which three finer bounds (0.5, 1
 * and 2.5 ms): in bench/ most calls of this stack take 0.3-3 ms, and would otherwise all share
 * the first bucket. (The SDK's default bounds are meant for milliseconds.)
 */
export const DURATION_BUCKETS_SECONDS: number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
