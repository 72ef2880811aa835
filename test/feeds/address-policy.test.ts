import { describe, expect, it } from 'vitest';
import { isPublicAddress, literalAddressOf } from '../../lib/feeds/address-policy';

describe('isPublicAddress', () => {
  it.each([
    ['93.184.215.14', 'public IPv4'],
    ['8.8.8.8', 'public IPv4'],
    ['2606:4700:4700::1111', 'public IPv6'],
    ['2a00:1450:4009:81a::200e', 'public IPv6'],
  ])('allows %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback, end of 127/8'],
    ['10.0.0.1', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12, end'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'link-local: the instance metadata service'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'CGNAT 100.64/10'],
    ['100.127.255.255', 'CGNAT, end'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'IPv6 unique-local'],
    ['fd12:3456:789a::1', 'IPv6 unique-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex form'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata service'],
    ['::ffff:10.1.2.3', 'IPv4-mapped private'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata service'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['fd00:ec2::254', 'the IPv6 metadata service (unique-local)'],
    ['not an address', 'no address at all'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it('judges an IPv4-mapped public address as the public address it is', () => {
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
  });
});

describe('literalAddressOf', () => {
  it.each([
    ['http://2130706433/feed', '127.0.0.1', 'a decimal IPv4'],
    ['http://0x7f.1/feed', '127.0.0.1', 'hex and short form'],
    ['http://0x7f000001/', '127.0.0.1', 'one hex number'],
    ['http://017700000001/', '127.0.0.1', 'octal'],
    ['http://0177.0.0.1/', '127.0.0.1', 'octal first part'],
    ['http://127.1/', '127.0.0.1', 'two parts'],
    ['http://[::1]:8080/feed', '::1', 'bracketed IPv6'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 'IPv4-mapped IPv6'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'dotted decimal'],
  ])('reads %s as %s (%s), which the policy then refuses', (url, address) => {
    const literal = literalAddressOf(new URL(url));
    expect(literal).toBe(address);
    expect(isPublicAddress(literal as string)).toBe(false);
  });

  it('finds no address in a host name, even one made of digits and letters', () => {
    expect(literalAddressOf(new URL('https://news.example/feed.xml'))).toBeUndefined();
    expect(literalAddressOf(new URL('https://127.0.0.1.nip.example/'))).toBeUndefined();
    expect(literalAddressOf(new URL('https://0x7f.example/'))).toBeUndefined();
  });
});
