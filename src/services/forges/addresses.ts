import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses an outbound fetch may connect to. Only the parsed numeric form is judged
 * (after DNS resolution), so hostnames, decimal (`2130706433`) and octal (`0177.0.0.1`) spellings
 * reach this module already as the address they stand for. IPv6 forms that carry an IPv4 address
 * (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are
 * judged by the IPv4 address inside them, so a private IPv4 target cannot hide in IPv6 clothing.
 */

type Range = readonly [network: bigint, prefix: number];

function v4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

// Not globally routable (RFC 6890 and successors): "this network", private, CGNAT, loopback,
// link-local, IETF protocol assignments, documentation, 6to4 relay, benchmarking, multicast,
// reserved and broadcast.
const REFUSED_V4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const V4_RANGES: readonly Range[] = REFUSED_V4.map(([net, prefix]) => [v4(net), prefix]);

function inRange(value: bigint, bits: number, [network, prefix]: Range): boolean {
  const shift = BigInt(bits - prefix);
  return value >> shift === network >> shift;
}

function refusedV4(value: bigint): boolean {
  return V4_RANGES.some((range) => inRange(value, 32, range));
}

/** The 128-bit value of an IPv6 address (a dotted IPv4 tail allowed, brackets and zone ignored), or null. */
export function parseIPv6(text: string): bigint | null {
  let address = text.replace(/^\[/, '').replace(/\]$/, '').split('%')[0]!;
  if (!isIPv6(address)) return null;
  const lastColon = address.lastIndexOf(':');
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    // The dotted tail is two 16-bit groups written as IPv4.
    const n = v4(tail);
    address = `${address.slice(0, lastColon + 1)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const halves = address.split('::');
  const groupsOf = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const left = groupsOf(halves[0]);
  const right = groupsOf(halves[1]);
  const groups = halves.length === 2 ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  if (groups.length !== 8) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function v6(text: string, prefix: number): Range {
  return [parseIPv6(text)!, prefix];
}

// Refused outright: unspecified, loopback, discard-only, IETF protocol assignments (Teredo
// included), documentation, ORCHIDv2, unique-local, link-local, site-local, multicast, and the
// local-use NAT64 prefix (it maps onto whatever IPv4 network the operator chose).
const REFUSED_V6: readonly Range[] = [
  v6('::', 128),
  v6('::1', 128),
  v6('100::', 64),
  v6('64:ff9b:1::', 48),
  v6('2001::', 23),
  v6('2001:db8::', 32),
  v6('2001:20::', 28),
  v6('fc00::', 7),
  v6('fe80::', 10),
  v6('fec0::', 10),
  v6('ff00::', 8),
];

// IPv6 prefixes whose low or middle bits carry an IPv4 address: judged by that address.
const MAPPED = v6('::ffff:0:0', 96);
const COMPATIBLE = v6('::', 96);
const NAT64 = v6('64:ff9b::', 96);
const SIX_TO_FOUR = v6('2002::', 16);

function refusedV6(value: bigint): boolean {
  if (REFUSED_V6.some((range) => inRange(value, 128, range))) return true;
  if (inRange(value, 128, MAPPED) || inRange(value, 128, COMPATIBLE) || inRange(value, 128, NAT64)) return refusedV4(value & 0xffffffffn);
  if (inRange(value, 128, SIX_TO_FOUR)) return refusedV4((value >> 80n) & 0xffffffffn);
  return false;
}

/**
 * True when an outbound connection to this numeric address must be refused (not globally
 * routable). Anything that is not a well-formed IP address is refused too.
 */
export function isRefusedAddress(address: string): boolean {
  if (isIPv4(address)) return refusedV4(v4(address));
  const value = parseIPv6(address);
  return value === null ? true : refusedV6(value);
}
