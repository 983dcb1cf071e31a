import { describe, expect, it } from 'vitest';
import { isRefusedAddress } from '../../src/services/forges/addresses.ts';
import { checkUrl, FetchError } from '../../src/services/forges/fetch.ts';

// Every form an internal target can take after resolution, and public neighbours that must pass.
const REFUSED: [string, string][] = [
  ['0.0.0.0', 'this network'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback, end of range'],
  ['10.1.2.3', 'private 10/8'],
  ['172.16.0.1', 'private 172.16/12'],
  ['172.31.255.255', 'private 172.16/12, end'],
  ['192.168.1.1', 'private 192.168/16'],
  ['100.64.0.1', 'CGNAT'],
  ['100.127.255.255', 'CGNAT, end'],
  ['169.254.169.254', 'link-local (cloud metadata)'],
  ['192.0.0.8', 'IETF protocol assignments'],
  ['192.0.2.1', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast (SSDP)'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'IPv6 unspecified'],
  ['::1', 'IPv6 loopback'],
  ['fe80::1', 'IPv6 link-local'],
  ['fe80::1%eth0', 'IPv6 link-local with zone'],
  ['fc00::1', 'unique local'],
  ['fd12:3456:789a::1', 'unique local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'IPv6 multicast'],
  ['2001:db8::1', 'IPv6 documentation'],
  ['2001:0:4136:e378::1', 'Teredo'],
  ['100::1', 'discard-only'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback in hex'],
  ['::ffff:10.0.0.1', 'IPv4-mapped private'],
  ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
  ['::127.0.0.1', 'IPv4-compatible loopback'],
  ['64:ff9b::127.0.0.1', 'NAT64 of loopback'],
  ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
  ['64:ff9b:1::1', 'local-use NAT64'],
  ['2002:7f00:1::1', '6to4 of loopback'],
  ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
  ['[::1]', 'bracketed IPv6 loopback'],
  ['localhost', 'not an address at all'],
  ['1.2.3', 'malformed'],
];

const ALLOWED: [string, string][] = [
  ['8.8.8.8', 'public IPv4'],
  ['1.1.1.1', 'public IPv4'],
  ['100.63.255.255', 'just below CGNAT'],
  ['100.128.0.0', 'just above CGNAT'],
  ['172.15.255.255', 'just below 172.16/12'],
  ['172.32.0.0', 'just above 172.16/12'],
  ['223.255.255.255', 'just below multicast'],
  ['2606:4700:4700::1111', 'public IPv6'],
  ['2001:4860:4860::8888', 'public IPv6 outside 2001::/23'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['64:ff9b::808:808', 'NAT64 of a public address'],
  ['2002:808:808::1', '6to4 of a public address'],
];

describe('isRefusedAddress', () => {
  it.each(REFUSED)('refuses %s (%s)', (address) => {
    expect(isRefusedAddress(address)).toBe(true);
  });
  it.each(ALLOWED)('allows %s (%s)', (address) => {
    expect(isRefusedAddress(address)).toBe(false);
  });
});

describe('checkUrl', () => {
  const none = new Set<string>();
  const noDns = () => Promise.reject(new Error('no DNS in this test'));

  // The URL parser turns decimal, octal and hex host spellings into dotted IPv4 before the check.
  it.each([
    ['http://2130706433/', 'decimal'],
    ['http://0177.0.0.1/', 'octal'],
    ['http://0x7f.0.0.1/', 'hex'],
    ['http://0x7f000001/', 'hex, one number'],
    ['http://127.1/', 'short form'],
    ['http://[::ffff:127.0.0.1]/', 'mapped IPv6 literal'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', 'mapped IPv6, long form'],
    ['http://017700000001/', 'octal, one number'],
  ])('refuses %s (%s)', async (url) => {
    await expect(checkUrl(new URL(url), none, noDns)).rejects.toMatchObject({ code: 'refused' });
  });

  it('refuses a name that resolves to any private address, even next to a public one', async () => {
    const resolve = () => Promise.resolve([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }]);
    await expect(checkUrl(new URL('https://mixed.example/'), none, resolve)).rejects.toMatchObject({ code: 'refused' });
  });

  it('refuses other schemes and URLs with credentials', async () => {
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'https://user:pw@example.com/']) {
      await expect(checkUrl(new URL(url), none, noDns)).rejects.toBeInstanceOf(FetchError);
    }
  });

  it('lets a named host:port reach a private address, and only that port', async () => {
    const allow = new Set(['127.0.0.1:8443']);
    await expect(checkUrl(new URL('https://127.0.0.1:8443/x'), allow, noDns)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
    await expect(checkUrl(new URL('https://127.0.0.1:8444/x'), allow, noDns)).rejects.toMatchObject({ code: 'refused' });
    await expect(checkUrl(new URL('https://127.0.0.1/x'), allow, noDns)).rejects.toMatchObject({ code: 'refused' });
  });
});
