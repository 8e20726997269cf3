import { applyEdit } from './applyEdit';
import { listFiles } from './listFiles';
import { readFile } from './readFile';
import { runTests } from './runTests';
import { searchWorkspace } from './searchWorkspace';
import { toolRegistry, type ToolDefinition } from './tool';

/** The built-in tools, in the order they are declared to the model. */
export const builtinTools: readonly ToolDefinition[] = [readFile, searchWorkspace, listFiles, runTests, applyEdit] as ToolDefinition[];

export const builtinRegistry = () => toolRegistry(builtinTools);
