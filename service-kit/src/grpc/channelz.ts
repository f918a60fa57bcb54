// grpc-js keeps channelz statistics (call counts and timestamps for the channel, each
// subchannel and each socket, on both ends) unless told not to. Nothing in Trellis serves the
// channelz service that would read them, and their bookkeeping on every call cost 3-10% of the
// gateway's CPU per POST /api/notes (interleaved runs on one stack, bench/README.md).

/** Channel and server option that turns channelz off. */
export const withoutChannelz = { "grpc.enable_channelz": 0 } as const;
