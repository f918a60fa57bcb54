import { expect, test } from "bun:test";
import fc from "fast-check";
import { clientKey, UNPARSED_CLIENT_KEY } from "./client-key.ts";

const cases = [
  { name: "an IPv4 address", address: "203.0.113.7", want: "203.0.113.7" },
  { name: "an IPv4-mapped IPv6 address", address: "::ffff:203.0.113.7", want: "203.0.113.7" },
  { name: "an IPv4-mapped address in hex", address: "::FFFF:CB00:7107", want: "203.0.113.7" },
  { name: "an IPv6 address", address: "2001:db8:1:2:3:4:5:6", want: "2001:db8:1:2::/64" },
  { name: "another in the same /64", address: "2001:DB8:1:2::9", want: "2001:db8:1:2::/64" },
  { name: "the next /64", address: "2001:db8:1:3::9", want: "2001:db8:1:3::/64" },
  { name: "a link-local address with a zone", address: "fe80::1%eth0", want: "fe80:0:0:0::/64" },
  { name: "IPv6 loopback", address: "::1", want: "0:0:0:0::/64" },
  { name: "no address (no socket)", address: "unknown", want: UNPARSED_CLIENT_KEY },
  { name: "an empty string", address: "", want: UNPARSED_CLIENT_KEY },
  { name: "a whole X-Forwarded-For list", address: "1.2.3.4, 5.6.7.8", want: UNPARSED_CLIENT_KEY },
  { name: "an address with a port", address: "1.2.3.4:80", want: UNPARSED_CLIENT_KEY },
  { name: "a huge string", address: `1.2.3.4${" ".repeat(10_000)}`, want: UNPARSED_CLIENT_KEY },
];

test.each(cases)("the key of $name is $want", ({ address, want }) => {
  expect(clientKey(address)).toBe(want);
});

const word = fc.integer({ min: 0, max: 0xffff });
const words = (count: number) => fc.array(word, { minLength: count, maxLength: count });
/** Not ::ffff:0:0/96, which holds IPv4 addresses and is keyed as IPv4. */
const notMapped = (prefix: number[], rest: number[]) =>
  !(prefix.every((part) => part === 0) && rest[0] === 0 && rest[1] === 0xffff);

/** IPv6 text for 8 words: every group in full, or the longest zero run as "::", any case. */
function spell(parts: number[], style: { compress: boolean; upper: boolean }): string {
  const groups = parts.map((part) =>
    style.compress ? part.toString(16) : part.toString(16).padStart(4, "0"),
  );
  let text = groups.join(":");
  if (style.compress) {
    const runs = [...text.matchAll(/(^|:)0(:0)+(:|$)/g)].sort((a, b) => b[0].length - a[0].length);
    const longest = runs[0];
    if (longest !== undefined) {
      text = `${text.slice(0, longest.index)}::${text.slice(longest.index + longest[0].length)}`;
    }
  }
  return style.upper ? text.toUpperCase() : text;
}

const spelling = fc.record({ compress: fc.boolean(), upper: fc.boolean() });

test("property: an IPv4 client is keyed by its address, however its IPv6 socket reports it", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }), (octets) => {
      const dotted = octets.join(".");
      const high = ((octets[0] ?? 0) << 8) | (octets[1] ?? 0);
      const low = ((octets[2] ?? 0) << 8) | (octets[3] ?? 0);

      expect(clientKey(dotted)).toBe(dotted);
      expect(clientKey(`::ffff:${dotted}`)).toBe(dotted);
      expect(clientKey(`::ffff:${high.toString(16)}:${low.toString(16)}`)).toBe(dotted);
    }),
  );
});

test("property: IPv6 addresses share a key exactly when they share their first 64 bits", () => {
  fc.assert(
    fc.property(
      words(4),
      words(4),
      words(4),
      words(4),
      spelling,
      spelling,
      (prefix, rest, otherRest, otherPrefix, styleA, styleB) => {
        fc.pre(notMapped(prefix, rest) && notMapped(prefix, otherRest));
        fc.pre(notMapped(otherPrefix, otherRest));
        const key = clientKey(spell([...prefix, ...rest], styleA));

        expect(key).toBe(`${prefix.map((part) => part.toString(16)).join(":")}::/64`);
        expect(clientKey(spell([...prefix, ...otherRest], styleB))).toBe(key);
        const samePrefix = otherPrefix.every((part, index) => part === prefix[index]);
        expect(clientKey(spell([...otherPrefix, ...otherRest], styleB)) === key).toBe(samePrefix);
      },
    ),
  );
});

test("property: any text gets a key of one of three short shapes, and never throws", () => {
  const keyShape = /^(unparsed|\d{1,3}(\.\d{1,3}){3}|([0-9a-f]{1,4}:){4}:\/64)$/;
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (text) => {
      const key = clientKey(text);
      expect(key).toMatch(keyShape);
    }),
    { numRuns: 1_000 },
  );
});
