/**
 * Deeper than any body GHL or a workflow sends (GHL's nest two or three levels). Redis's Lua
 * JSON decoder, which BullMQ's scripts use, gives up at 1000 levels: a deeper body would fail to
 * store and get the 429 meant for Redis being away, and GHL would resend a body that can never
 * be stored. So such a body is refused as malformed, before anything parses it.
 */
const MAX_JSON_DEPTH = 64;

export type ParsedBody =
  | { ok: true; event: Record<string, unknown> }
  | { ok: false; error: 'malformed_json' | 'too_deep'; message: string };

/** The body as a JSON object, refusing anything else and anything nested deeper than `maxDepth`. */
export function parseWebhookBody(raw: Buffer, maxDepth = MAX_JSON_DEPTH): ParsedBody {
  if (jsonDepth(raw) > maxDepth)
    return { ok: false, error: 'too_deep', message: `Body nests deeper than ${maxDepth} levels` };
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return { ok: true, event: value as Record<string, unknown> };
  } catch {
    // Falls through to the same answer as a non-object.
  }
  return { ok: false, error: 'malformed_json', message: 'Body must be a JSON object' };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/** Deepest bracket nesting in JSON text, skipping strings: one pass, no recursion. */
function jsonDepth(raw: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte !== undefined && OPEN.has(byte)) deepest = Math.max(deepest, ++depth);
    else if (byte !== undefined && CLOSE.has(byte)) depth--;
  }
  return deepest;
}
