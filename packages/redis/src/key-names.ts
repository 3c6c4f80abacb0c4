// Where ghl-bridge's keys live on a Redis Cluster. A cluster places a key by the text inside its
// first {…} (its hash tag) when there is one, else by the whole key; a command or Lua script may
// only touch keys of one slot. So every key is built here, tagged by what must stay together:
//
//   <prefix>:{<queue>}:<queue>:…      one tag per BullMQ queue: BullMQ's scripts touch many keys
//                                     of one queue, and different queues land on different shards.
//   <prefix>:{<locationId>}:…         one tag per GHL location (or company): its token cache,
//                                     refresh lock, rate budget and discovery cache share a slot,
//                                     so every budget script touches one slot.
//
// The prefix itself carries no braces (config refuses them): a tag there would pull every key
// of a deployment into one slot, which is what this layout replaces.

/**
 * The BullMQ `prefix` for one queue (BullMQ's documented way to use a cluster: a hash tag in the
 * prefix). Every Queue, Worker and QueueEvents of that queue must be built with it.
 */
export function queuePrefix(prefix: string, queue: string): string {
  return `${prefix}:{${queue}}`;
}

/** A key about one GHL location (or company): `<prefix>:{<id>}:<parts…>`. */
export function locationKey(prefix: string, locationId: string, ...parts: string[]): string {
  // An empty tag ({}) does not count as one: the key would then be placed by its full name.
  if (locationId === '') throw new Error('a location key needs a location id');
  return [`${prefix}:{${locationId}}`, ...parts].join(':');
}
