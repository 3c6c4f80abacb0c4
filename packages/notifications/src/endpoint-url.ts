import { BlockList, isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** Where ghl-bridge's own ingress listens (HOST and PORT): an endpoint there would loop. */
export interface SelfAddress {
  host: string;
  port: number;
}

const MAX_URL_LENGTH = 2048;

// 127.0.0.0/8 and ::1 (IPv4-mapped forms are checked against the IPv4 rule by BlockList).
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
// Connecting to the unspecified address reaches this host, as loopback does.
const UNSPECIFIED = new BlockList();
UNSPECIFIED.addAddress('0.0.0.0', 'ipv4');
UNSPECIFIED.addAddress('::', 'ipv6');

/**
 * Why a URL cannot be an RV3 endpoint, or undefined when it can: it must be http(s), carry no
 * credentials (the signature authenticates deliveries, and URLs are listed and logged), and not
 * point at ghl-bridge's own ingress, under any loopback alias of it. The URL parser has already
 * folded spellings such as `2130706433`, `0x7f.1` or `[0:0::1]` into canonical addresses.
 */
export function endpointUrlProblem(raw: string, self: SelfAddress): string | undefined {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  if (!URL.canParse(raw)) return 'must be an absolute http(s) URL';
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (port === self.port && isSelfHost(url.hostname, self.host))
    return `points at ghl-bridge itself (${self.host}:${self.port}); give RV3's own URL`;
  return undefined;
}

function isSelfHost(urlHost: string, selfHost: string): boolean {
  const host = normalise(urlHost);
  const own = normalise(selfHost);
  if (host === own) return true;
  const ownIsWildcard = isAddress(own, UNSPECIFIED);
  // Bound to loopback or to every interface: every loopback alias reaches it.
  if (ownIsWildcard || isAddress(own, LOOPBACK) || own === 'localhost') {
    if (host === 'localhost' || host.endsWith('.localhost')) return true;
    if (isAddress(host, LOOPBACK) || isAddress(host, UNSPECIFIED)) return true;
  }
  // Bound to every interface: this machine's own addresses and name reach it too.
  if (ownIsWildcard) {
    if (host === normalise(hostname())) return true;
    const local = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
    if (local.some((i) => normalise(i.address) === host)) return true;
  }
  return false;
}

/** Lower case, no IPv6 brackets, no trailing dot (`localhost.` is `localhost`). */
function normalise(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

function isAddress(host: string, list: BlockList): boolean {
  const family = isIP(host);
  return family !== 0 && list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}
