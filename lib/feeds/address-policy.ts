import ipaddr from 'ipaddr.js';

/**
 * Which addresses a feed may be fetched from on AWS: public unicast ones only. Everything else (loopback,
 * RFC 1918 private, link-local with the 169.254.169.254 metadata service, unique-local, CGNAT, multicast,
 * broadcast, unspecified, reserved, documentation and benchmarking ranges, and the IPv6 forms that carry an
 * IPv4 address to a translator: NAT64, 6to4, Teredo) could reach inside the network the function runs in.
 * An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is judged as the IPv4 address it is.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/**
 * The IP address a URL's host names literally (brackets of an IPv6 literal removed), or undefined for a
 * host name. The WHATWG parser has already turned the other spellings of an IPv4 address (`2130706433`,
 * `0x7f.1`, `017700000001`) into dotted decimal, so those are caught here too.
 */
export function literalAddressOf(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host))
    ? host
    : undefined;
}
