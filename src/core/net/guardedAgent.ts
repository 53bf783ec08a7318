import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { originOf } from './checkFetchUrl.js';
import { FetchRefusedError } from './FetchRefusedError.js';
import { refusedRange } from './publicAddress.js';

export interface GuardOptions {
  /**
   * Origins (scheme, host and port, as `URL.origin` writes them) exempt from the address check:
   * the configured API origins and `FETCH_ALLOW_ORIGINS`. Another port on the same host is not.
   */
  readonly allowOrigins: Iterable<string>;
  /**
   * Name resolution, for tests that resolve a name to an address of their choosing.
   * @defaultValue `dns.lookup`
   */
  readonly lookup?: LookupFunction;
  /** Connection options (timeouts, TLS) passed to undici's connector. */
  readonly connect?: buildConnector.BuildOptions;
}

/** Resolves with `lookup`, then refuses the answer if any address in it is not public unicast. */
function checkedLookup(lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) {
        callback(error, address, family);
        return;
      }
      const addresses = typeof address === 'string' ? [address] : address.map((a) => a.address);
      // Refused if any answer is private: the socket may try each one (happy eyeballs).
      if (addresses.some((a) => refusedRange(a) !== undefined)) callback(new FetchRefusedError('private_address'), '', 0);
      else callback(null, address, family);
    });
  };
}

/**
 * An undici connector that refuses loopback, private, link-local, unique-local, multicast,
 * unspecified and other non-public addresses at connect time, on the address the socket is about to
 * use: names through a checking `lookup` (so DNS rebinding cannot swap in 127.0.0.1 after a check),
 * IP literals (which Node connects to without any lookup) directly. Origins in `allowOrigins` are
 * connected to as they are.
 */
export function guardedConnector(options: GuardOptions): buildConnector.connector {
  const allowed = new Set([...options.allowOrigins].map((o) => originOf(o) ?? o));
  const lookup: LookupFunction = options.lookup ?? dnsLookup;
  const open = buildConnector({ ...options.connect, lookup });
  const guarded = buildConnector({ ...options.connect, lookup: checkedLookup(lookup) });
  return (target, callback) => {
    // `host` keeps the port and IPv6 brackets, so this is the request URL's own origin.
    const origin = originOf(`${target.protocol}//${target.host ?? target.hostname}`);
    if (origin !== undefined && allowed.has(origin)) {
      open(target, callback);
      return;
    }
    if (isIP(target.hostname) !== 0 && refusedRange(target.hostname) !== undefined) {
      queueMicrotask(() => callback(new FetchRefusedError('private_address'), null));
      return;
    }
    guarded(target, callback);
  };
}

/** An undici `Agent` whose connections go through {@link guardedConnector}. */
export function createGuardedAgent(options: GuardOptions & { readonly agent?: Omit<Agent.Options, 'connect'> }): Agent {
  return new Agent({ ...options.agent, connect: guardedConnector(options) });
}
