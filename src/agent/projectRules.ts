// Project rules: the instruction files a repository keeps for coding agents (AGENTS.md, CLAUDE.md, Copilot's
// .github/copilot-instructions.md), read into the system prompt, capped in size with a note when cut. In Restricted
// Mode none are read: an untrusted repository must not steer the agent.
import type { Workspace } from '../host/workspace';

export const DEFAULT_RULE_FILES = ['AGENTS.md', 'CLAUDE.md', '.github/copilot-instructions.md'] as const;
/** All rule files together; about 5,000 tokens, a small share of any current window. */
export const RULES_MAX_CHARS = 20_000;

export interface ProjectRules {
  /** The text for the system prompt ('' when none). */
  text: string;
  /** The files in use, and whether each was cut. */
  files: { path: string; chars: number; cut: boolean }[];
  /** Why none (or not all) are in use, for the chat: Restricted Mode, turned off. */
  note?: string;
}

export interface RuleOptions {
  /** `fanout.instructionFiles`: the files to read (workspace-relative), or false for none. */
  files: readonly string[] | false;
  trusted: boolean;
  maxChars?: number;
}

export async function loadProjectRules(workspace: Workspace, options: RuleOptions): Promise<ProjectRules> {
  if (options.files === false || options.files.length === 0) return { text: '', files: [], note: 'Project rule files are turned off (fanout.instructionFiles).' };
  if (!options.trusted) return { text: '', files: [], note: "Restricted Mode: the workspace's rule files (AGENTS.md and the like) are not loaded." };
  let left = options.maxChars ?? RULES_MAX_CHARS;
  const files: ProjectRules['files'] = [];
  const parts: string[] = [];
  for (const path of options.files) {
    const stat = await workspace.stat(path).catch(() => undefined);
    if (stat?.type !== 'file') continue;
    let text: string;
    try {
      text = (await workspace.readFile(path)).text.trim();
    } catch {
      continue;
    }
    if (!text) continue;
    const cut = text.length > left;
    const kept = cut ? `${text.slice(0, Math.max(0, left))}\n[... ${path} is ${text.length.toLocaleString('en-US')} characters; the rest was cut to keep the prompt small. Read the file for the rest.]` : text;
    left = Math.max(0, left - text.length);
    files.push({ path, chars: text.length, cut });
    parts.push(`<rules file="${path}">\n${kept}\n</rules>`);
  }
  if (!parts.length) return { text: '', files };
  return { text: `The project's rules for coding agents (follow them):\n${parts.join('\n')}`, files };
}
