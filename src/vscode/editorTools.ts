// The extension's tool list: everything the headless runner has, plus the language tools only an editor can answer.
// Used by the chat, by the language model tools other agents call, and for package.json's contributions.
import { builtinTools, editorOnlyTools } from '../tools';
import { toolRegistry, type ToolDefinition } from '../tools/tool';

export const editorTools: readonly ToolDefinition[] = [...builtinTools, ...editorOnlyTools];

export const editorRegistry = () => toolRegistry(editorTools);
