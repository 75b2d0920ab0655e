import type { Role } from '../../api/types';

export const ROLE_HELP: Record<Role, string> = {
  admin: 'Everything, including accounts and API keys.',
  editor: 'Creates and edits content, imports files.',
  reviewer: 'Edits content and approves versions for launch.',
  analyst: 'Reads everything but accounts, API keys and webhooks; changes nothing.',
};
