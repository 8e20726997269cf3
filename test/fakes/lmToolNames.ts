// The language model tools Fanout offers other agents (vscode.lm), by the names they call them: a contract, written
// out here rather than read from src so that a renamed or dropped tool fails. The unit suite checks the extension's
// list against it and the real-host suite checks what VS Code registered; plain data, so it loads in plain Node and
// bundled into the extension host alike.
export const LM_TOOL_NAMES: readonly string[] = [
  'fanout_read_file',
  'fanout_search_workspace',
  'fanout_list_files',
  'fanout_run_tests',
  'fanout_apply_edit',
  'fanout_get_diagnostics',
  'fanout_find_symbol',
  'fanout_go_to_definition',
  'fanout_find_references',
  'fanout_git_diff',
  'fanout_git_blame',
  'fanout_git_log',
  'fanout_fetch_url',
];
