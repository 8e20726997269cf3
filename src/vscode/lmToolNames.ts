// Fanout's workspace tools as VS Code language model tools (usable by Copilot's agent mode and any other extension
// through vscode.lm.invokeTool). Just names and labels: activation registers them without loading the tools.
// package.json's contributes.languageModelTools is generated from this list (see lmToolManifest.ts).

export interface LmToolInfo {
  /** The name other agents call it by. */
  name: string;
  /** The Fanout tool it runs. */
  tool: 'read_file' | 'search_workspace' | 'list_files' | 'run_tests' | 'apply_edit' | 'get_diagnostics' | 'find_symbol' | 'go_to_definition' | 'find_references' | 'git_diff' | 'git_blame' | 'git_log' | 'fetch_url';
  /** `#name` in a chat prompt. */
  toolReferenceName: string;
  displayName: string;
  userDescription: string;
  icon: string;
}

export const LM_TOOLS: readonly LmToolInfo[] = [
  {
    name: 'fanout_read_file',
    tool: 'read_file',
    toolReferenceName: 'fanoutReadFile',
    displayName: 'Read File (Fanout)',
    userDescription: 'Read a workspace file, including unsaved editor changes.',
    icon: '$(file)',
  },
  {
    name: 'fanout_search_workspace',
    tool: 'search_workspace',
    toolReferenceName: 'fanoutSearch',
    displayName: 'Search Workspace (Fanout)',
    userDescription: 'Search file contents across the workspace with ripgrep, honouring .gitignore and your excludes.',
    icon: '$(search)',
  },
  {
    name: 'fanout_list_files',
    tool: 'list_files',
    toolReferenceName: 'fanoutListFiles',
    displayName: 'List Files (Fanout)',
    userDescription: 'List the files of a workspace folder, honouring .gitignore and your excludes.',
    icon: '$(list-tree)',
  },
  {
    name: 'fanout_run_tests',
    tool: 'run_tests',
    toolReferenceName: 'fanoutRunTests',
    displayName: 'Run Tests (Fanout)',
    userDescription: "Run the project's test command (fanout.testCommand, or the detected one), optionally filtered.",
    icon: '$(beaker)',
  },
  {
    name: 'fanout_apply_edit',
    tool: 'apply_edit',
    toolReferenceName: 'fanoutApplyEdit',
    displayName: 'Apply Edit (Fanout)',
    userDescription: "Replace one exact occurrence of text in a file, or create a file; queues behind Fanout's own edits to that file.",
    icon: '$(edit)',
  },
  {
    name: 'fanout_get_diagnostics',
    tool: 'get_diagnostics',
    toolReferenceName: 'fanoutDiagnostics',
    displayName: 'Get Diagnostics (Fanout)',
    userDescription: "The Problems panel for a file, a folder or the workspace; waits for Fanout's pending edits and for language servers to catch up.",
    icon: '$(warning)',
  },
  {
    name: 'fanout_find_symbol',
    tool: 'find_symbol',
    toolReferenceName: 'fanoutFindSymbol',
    displayName: 'Find Symbol (Fanout)',
    userDescription: 'Find declarations by name across the workspace, with their lines.',
    icon: '$(symbol-method)',
  },
  {
    name: 'fanout_go_to_definition',
    tool: 'go_to_definition',
    toolReferenceName: 'fanoutGoToDefinition',
    displayName: 'Go to Definition (Fanout)',
    userDescription: 'Where the symbol at a position is defined, with the line.',
    icon: '$(go-to-file)',
  },
  {
    name: 'fanout_find_references',
    tool: 'find_references',
    toolReferenceName: 'fanoutFindReferences',
    displayName: 'Find References (Fanout)',
    userDescription: 'Every reference to the symbol at a position, with the lines.',
    icon: '$(references)',
  },
  {
    name: 'fanout_git_diff',
    tool: 'git_diff',
    toolReferenceName: 'fanoutGitDiff',
    displayName: 'Git Diff (Fanout)',
    userDescription: 'Unstaged, staged, or against a branch or commit; for one path or the whole workspace.',
    icon: '$(diff)',
  },
  {
    name: 'fanout_git_blame',
    tool: 'git_blame',
    toolReferenceName: 'fanoutGitBlame',
    displayName: 'Git Blame (Fanout)',
    userDescription: 'Who last changed each line of a file, in which commit and when.',
    icon: '$(git-commit)',
  },
  {
    name: 'fanout_git_log',
    tool: 'git_log',
    toolReferenceName: 'fanoutGitLog',
    displayName: 'Git Log (Fanout)',
    userDescription: 'Recent commits, for the workspace or one path, with the files each changed.',
    icon: '$(history)',
  },
  {
    name: 'fanout_fetch_url',
    tool: 'fetch_url',
    toolReferenceName: 'fanoutFetch',
    displayName: 'Fetch URL (Fanout)',
    userDescription: 'Fetch a web page (as markdown) or text file over http(s); asks before it sends the request.',
    icon: '$(globe)',
  },
];
