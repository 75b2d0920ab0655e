import type { Role } from '../../api/types';

export const ROLE_HELP: Record<Role, string> = {
  ADMIN: 'Everything, including accounts and API keys.',
  EDITOR: 'Creates and edits content, imports files.',
  REVIEWER: 'Edits content and approves versions for launch.',
  ANALYST: 'Reads everything but accounts, API keys and webhooks; changes nothing.',
};

/** How a role reads in a sentence or a menu ("editor"); the API's value is its UPPER_CASE name. */
export function roleLabel(role: Role | string): string {
  return role.toLowerCase();
}
