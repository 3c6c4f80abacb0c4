import type { Check } from '../report.js';
import { CANARY } from './hostile.js';

export interface LogLeak {
  what: string;
  process: string;
  /** The request id in the line, if any, to find the request that caused it. */
  requestId: string | undefined;
  /** Where in the line, with the secret (if it is one) replaced by its name. */
  excerpt: string;
}

/**
 * Every log line of ingress and the worker, searched for what must never be there: the canary
 * planted in bodies, codes and credentials (request data echoed), any secret of the run, and
 * NUL characters (raw, or as JSON's \u0000 escape).
 */
export function scanLogs(
  lines: { process: string; text: string }[],
  secrets: Record<string, string>,
): LogLeak[] {
  const leaks: LogLeak[] = [];
  const needles: [string, string][] = [
    ['request data (canary)', CANARY],
    ['NUL character', '\u0000'],
    ['NUL character (escaped)', '\\u0000'],
    ...Object.entries(secrets)
      .filter(([, value]) => value.length >= 8)
      .map(([name, value]): [string, string] => [`secret: ${name}`, value]),
  ];
  for (const { process, text } of lines) {
    for (const [what, needle] of needles) {
      const at = text.indexOf(needle);
      if (at < 0) continue;
      const hidden = what.startsWith('secret')
        ? `${text.slice(0, at)}<${what}>${text.slice(at + needle.length)}`
        : text;
      const start = Math.max(0, at - 120);
      leaks.push({
        what,
        process,
        requestId: /"reqId":"([^"]+)"/.exec(text)?.[1] ?? /"requestId":"([^"]+)"/.exec(text)?.[1],
        excerpt: JSON.stringify(hidden.slice(start, at + 80)).slice(1, -1),
      });
    }
  }
  return leaks;
}

export function logCheck(leaks: LogLeak[], lineCount: number): Check {
  const kinds = [...new Set(leaks.map((l) => l.what))];
  return {
    guarantee: 'no request data, secret or NUL in the logs',
    ok: leaks.length === 0,
    detail: `${lineCount.toLocaleString('en-US')} log lines; ${leaks.length} leaks${kinds.length ? ` (${kinds.join(', ')})` : ''}`,
  };
}
