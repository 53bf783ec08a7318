import ipaddr from 'ipaddr.js';

/**
 * Why an IP address may not be connected to — its ipaddr.js range name (`loopback`, `private`,
 * `linkLocal`, `uniqueLocal`, `multicast`, `unspecified`, `carrierGradeNat`, `reserved`, …) — or
 * `undefined` for a public unicast address. Only `unicast` passes: an allow-list, so a special range
 * the library learns about later is refused, not let through. An IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`) is judged as the IPv4 address it reaches.
 */
export function refusedRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'invalid';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === 'unicast' ? undefined : range;
}

/** Whether `address` is a public unicast IP address (see {@link refusedRange}). */
export function isPublicAddress(address: string): boolean {
  return refusedRange(address) === undefined;
}
