import { createHash } from 'node:crypto';

/** OpenAI and Anthropic allow `^[a-zA-Z0-9_-]{1,64}$`; Gemini also allows dots and colons, but 64 characters too. */
export const MAX_TOOL_NAME_LENGTH = 64;

/**
 * Names the MCP tools `mcp__<server>__<tool>` within every provider's limits. A name that is too long, or that would
 * clash once sanitised, keeps a readable prefix and ends in a hash of the original pair, so it is the same in every run.
 * `pairs` must come in a stable order (the manager sorts servers by name): the first of two clashing names keeps it.
 */
export function namespaceToolNames(pairs: readonly { server: string; tool: string }[], reserved: Iterable<string> = []): string[] {
  const taken = new Set(reserved);
  return pairs.map(({ server, tool }) => {
    let name = `mcp__${sanitize(server)}__${sanitize(tool)}`;
    for (let attempt = 0; name.length > MAX_TOOL_NAME_LENGTH || taken.has(name); attempt++) {
      const suffix = `_${hash(`${server}\0${tool}\0${attempt}`)}`;
      name = `mcp__${sanitize(server)}__${sanitize(tool)}`.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length) + suffix;
    }
    taken.add(name);
    return name;
  });
}

function sanitize(part: string): string {
  return part.replace(/[^a-zA-Z0-9_-]/g, '_') || '_';
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
