// Every `fanout.*` command (titles in package.json). Activation registers them all from this list; the handlers of
// all but fanout.showLog are in the lazily loaded core (commands.ts), which the first call loads.
export const COMMAND_IDS = ['fanout.newChat', 'fanout.setApiKey', 'fanout.selectModel', 'fanout.stop', 'fanout.compact', 'fanout.addSelectionToChat', 'fanout.ask', 'fanout.undoFileOperation', 'fanout.showLog'] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
