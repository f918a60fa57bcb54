// HTTP/2 keepalive for the long-lived connections between the gateway and the services, set on
// both ends from one place so they agree. Without it, a peer that vanished without closing the
// TCP connection (a killed container, a dropped NAT entry) is only noticed when calls start
// timing out; with it, a ping unanswered for 10 s closes the connection and the channel
// reconnects. The kit's server (like grpc-js's) accepts client pings at any interval; a server in
// another language enforces a minimum (Go's default is 5 minutes) and must allow 30 s for these.

/** The kit's client: ping every 30 s, idle or not. */
export const clientKeepalive = { keepaliveTimeMs: 30_000, keepaliveTimeoutMs: 10_000 } as const;

/** The kit's server: it pings its clients too, less often, to drop dead connections. */
export const serverKeepalive = { keepaliveTimeMs: 60_000, keepaliveTimeoutMs: 10_000 } as const;
