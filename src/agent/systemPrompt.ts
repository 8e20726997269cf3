import * as os from 'node:os';
import type { Workspace } from '../host/workspace';
import { detectTestCommand } from '../tools/runTests';
import { DEFAULT_RULE_FILES, loadProjectRules, type ProjectRules } from './projectRules';

/** What the model should know about where it runs: commands and paths differ by OS and shell. */
export interface Environment {
  os: string;
  shell: string;
  /** YYYY-MM-DD: models otherwise assume their training cut-off is today. */
  date: string;
  testCommand?: string;
}

export function currentEnvironment(testCommand: string | undefined, now = new Date()): Environment {
  const shell = process.env.SHELL ?? process.env.ComSpec ?? (process.platform === 'win32' ? 'cmd.exe' : '/bin/sh');
  return { os: `${os.type()} ${os.release()} (${process.platform})`, shell, date: now.toISOString().slice(0, 10), testCommand };
}

/** The default system prompt: short, and explicit about batching independent calls into one turn. */
export function defaultSystemPrompt(workspaceName: string, extras: { delegate?: boolean; environment?: Environment; rules?: ProjectRules } = {}): string {
  const lines = [
    `You are Fanout, a coding agent working in the workspace "${workspaceName}". Use the tools to read, search, test and edit its files.`,
    'Tool calls you make in the same turn run in parallel. When several calls do not depend on each other (reading several files, several searches, listing folders, blame and diagnostics for every changed file, running tests while reading), make them ALL in one turn instead of one per turn.',
    'Edits to one file made in one turn are applied in the order you list them. apply_edit replaces exactly one occurrence of oldText: copy it exactly from the file, with enough context to be unique.',
    'Paths are relative to the workspace root. Read a file before editing it. When you are done, answer concisely with what you found or changed.',
    ...(extras.delegate
      ? ['For a large task with independent parts (several modules to review or change), hand each part to a subagent with delegate, all in one turn: they run at the same time. Give each a complete prompt, and canEdit only when its part needs edits. A subagent\'s answer lists the files it changed: read those again before editing them yourself.']
      : []),
  ];
  const env = extras.environment;
  if (env) lines.push(`Environment: ${env.os}; shell ${env.shell}; today is ${env.date}; test command: ${env.testCommand ?? 'none detected'}.`);
  if (extras.rules?.text) lines.push('', extras.rules.text);
  return lines.join('\n');
}

/**
 * The system prompt for a run in `workspace`: the default one, the environment (with the test command run_tests
 * will use) and the project's rule files. Also returns which rule files are in use, for the chat to show.
 */
export async function projectSystemPrompt(
  workspace: Workspace,
  options: { testCommand?: string; instructionFiles?: readonly string[] | false; trusted: boolean; delegate?: boolean },
): Promise<{ system: string; rules: ProjectRules }> {
  const name = workspace.root.split(/[\\/]/).filter(Boolean).pop() ?? 'workspace';
  const [rules, detected] = await Promise.all([
    loadProjectRules(workspace, { files: options.instructionFiles ?? DEFAULT_RULE_FILES, trusted: options.trusted }),
    options.testCommand ? Promise.resolve(options.testCommand) : detectTestCommand(workspace).catch(() => undefined),
  ]);
  return { system: defaultSystemPrompt(name, { delegate: options.delegate, environment: currentEnvironment(detected), rules }), rules };
}
