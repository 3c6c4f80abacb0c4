// The budget's Redis scripts. Each location has a schedule: a sorted set of the times its calls
// were, or are to be, sent. No `interval` of it ever holds more than the limit. Redis TIME gives
// every process one clock.

/**
 * Takes a send time for one call.
 * KEYS: schedule, daily counter, block flag, learned limit, the holder's held slots (a list).
 * ARGV: configured limit, interval ms, daily limit, unique member suffix, holder ('' for none),
 *       slots the holder's run needs, how late (ms) a held slot may still be claimed.
 * Returns {1, slot, wait ms, remaining, lateness} when granted: send after the wait.
 * Returns {0, wait ms, lateness} when not: come back then (a holder finds its slots held for it).
 * Lateness: how late a held slot was claimed or given up, -1 when none was held.
 *
 * An idle location may send a burst up to the limit at once. A call that has to wait is spaced
 * one `interval / limit` after the last one planned, so a backlog leaves evenly, never as a
 * burst at each window edge: GHL's window, wherever it starts, then sees the same even rate.
 * Each new slot is appended after every planned one, so checking the window that ends at it
 * is enough to keep every window within the limit.
 */
export const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[2])
local limit = tonumber(ARGV[1])
local learned = tonumber(redis.call('GET', KEYS[4]) or '0')
if learned > 0 and learned < limit then limit = learned end
local gap = interval / limit
local blockedFor = redis.call('PTTL', KEYS[3])
local blockedUntil = blockedFor > 0 and now + blockedFor or 0
local holder = ARGV[5] ~= ''
local lateness = -1

local function remaining()
  return math.max(0, limit - redis.call('ZCOUNT', KEYS[1], now - interval, '+inf'))
end

-- A slot held from this holder's earlier run was counted when it was reserved.
if holder then
  local held = redis.call('LPOP', KEYS[5])
  if held then
    held = tonumber(held)
    lateness = math.max(0, now - held)
    if held >= blockedUntil and now <= held + tonumber(ARGV[7]) then
      if held - now > interval then
        redis.call('LPUSH', KEYS[5], held)
        return {0, held - now, -1}
      end
      return {1, held, math.max(0, held - now), remaining(), lateness}
    end
    -- Too late (its neighbours went on time: sending now would bunch them) or inside a block.
    redis.call('DEL', KEYS[5])
  end
end

local want = holder and tonumber(ARGV[6]) or 1
local daily = tonumber(redis.call('GET', KEYS[2]) or '0')
if daily + 1 > tonumber(ARGV[3]) then
  local ttl = redis.call('PTTL', KEYS[2])
  if ttl < 0 then ttl = 60000 end
  return {0, ttl, lateness}
end

-- Older entries are kept one more interval: reading GHL's headers looks back that far.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 2 * interval)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]
last = last and tonumber(last)
local slots = {}
for i = 1, want do
  local slot = math.max(now, blockedUntil)
  local count = redis.call('ZCARD', KEYS[1])
  if count >= limit then
    local nth = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')[2]
    slot = math.max(slot, tonumber(nth) + interval)
  end
  if last and (slot > now or last > now) then slot = math.max(slot, last + gap) end
  slot = math.ceil(slot)
  -- A slot within one spacing is granted: the caller waits for it in process.
  local grant = i == 1 and slot - now <= gap
  if not grant and not holder then return {0, slot - now, -1} end
  redis.call('ZADD', KEYS[1], slot, slot .. '-' .. ARGV[4] .. '-' .. i)
  redis.call('PEXPIRE', KEYS[1], slot - now + 2 * interval)
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], 86400000) end
  if grant then return {1, slot, slot - now, remaining(), lateness} end
  slots[i] = slot
  last = slot
end
redis.call('RPUSH', KEYS[5], unpack(slots))
redis.call('PEXPIRE', KEYS[5], last - now + tonumber(ARGV[7]) + interval)
return {0, slots[1] - now, lateness}
`;

/**
 * GHL answered that its window is full. If the requests it counted were ours, its window ends
 * at most one interval (plus the lateness a slot may be claimed with) after the oldest of them:
 * block until then. If they cannot all have been ours, block for a whole interval.
 * KEYS: schedule, block flag. ARGV: requests GHL counted, its interval ms, this call's slot,
 * how late a slot may be claimed (ms).
 */
export const BLOCK_FULL_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local counted = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local slot = tonumber(ARGV[3])
local late = tonumber(ARGV[4])
local ends = now + interval
if counted > 0 then
  local oldest = redis.call('ZREVRANGEBYSCORE', KEYS[1], slot, '-inf', 'WITHSCORES', 'LIMIT', counted - 1, 1)[2]
  if oldest and tonumber(oldest) >= slot - interval - late then ends = tonumber(oldest) + interval + late end
end
local ttl = math.ceil(ends - now)
if ttl > 0 and ttl > redis.call('PTTL', KEYS[2]) then redis.call('SET', KEYS[2], '1', 'PX', ttl) end
return ttl
`;
