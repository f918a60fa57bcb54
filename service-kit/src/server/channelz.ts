// grpc-js keeps channelz statistics (call counts and timestamps for the server and each
// socket) unless told not to. Nothing in Trellis serves the channelz service that would read
// them; on grpc-js's client, where they were on by default too, their bookkeeping cost 3-10% of
// the gateway's CPU per POST /api/notes (interleaved runs on one stack, bench/README.md).

/** Server option that turns channelz off. */
export const withoutChannelz = { "grpc.enable_channelz": 0 } as const;
