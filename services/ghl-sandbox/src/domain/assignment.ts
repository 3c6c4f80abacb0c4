import type { Calendar } from './types.js';

/**
 * The team member GHL assigns when a create names no `assignedUserId`: the primary member,
 * else the one with the highest priority, else the first. Undefined for a calendar without
 * team members (the appointment then has no assigned user).
 */
export function defaultAssignee(calendar: Calendar): string | undefined {
  const members = calendar.teamMembers;
  const primary = members.find((m) => m.isPrimary);
  if (primary) return primary.userId;
  let best = members[0];
  for (const m of members) if (best && m.priority > best.priority) best = m;
  return best?.userId;
}
