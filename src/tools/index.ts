import { applyEdit } from './applyEdit';
import { deleteFile, renameFile } from './fileOps';
import { getDiagnostics } from './getDiagnostics';
import { gitBlame } from './git/gitBlame';
import { gitDiff } from './git/gitDiff';
import { gitLog } from './git/gitLog';
import { findReferences, findSymbol, goToDefinition } from './languageTools';
import { listFiles } from './listFiles';
import { readFile } from './readFile';
import { runCommand } from './runCommand';
import { runTests } from './runTests';
import { searchWorkspace } from './searchWorkspace';
import { toolRegistry, type ToolDefinition } from './tool';
import { fetchUrl } from './web/fetchUrl';

/**
 * The tools every host offers, in the order they are declared to the model. Each host composes its own list from
 * these: the CLI adds MCP tools (src/cli.ts), VS Code adds `editorOnlyTools` (src/vscode/editorTools.ts).
 */
export const builtinTools: readonly ToolDefinition[] = [readFile, searchWorkspace, listFiles, runTests, applyEdit, getDiagnostics, runCommand, gitDiff, gitBlame, gitLog, deleteFile, renameFile, fetchUrl] as ToolDefinition[];

/** Tools that need an editor's language intelligence: the headless runner does not offer them. */
export const editorOnlyTools: readonly ToolDefinition[] = [findSymbol, goToDefinition, findReferences] as ToolDefinition[];

export const builtinRegistry = () => toolRegistry(builtinTools);
