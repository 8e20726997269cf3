// package.json's contributes.languageModelTools, generated from the tools themselves so the declared input schemas
// are exactly what Fanout validates against (toolSpec). `npm run sync:lm-tools` writes them; a unit test fails when
// package.json drifts from this.
import { editorTools } from './editorTools';
import { toolSpec } from '../tools/tool';
import { LM_TOOLS } from './lmToolNames';

export interface LanguageModelToolContribution {
  name: string;
  toolReferenceName: string;
  displayName: string;
  userDescription: string;
  modelDescription: string;
  icon: string;
  canBeReferencedInPrompt: boolean;
  tags: string[];
  inputSchema: Record<string, unknown>;
}

export function lmToolContributions(): LanguageModelToolContribution[] {
  return LM_TOOLS.map((info) => {
    const tool = editorTools.find((t) => t.name === info.tool);
    if (!tool) throw new Error(`no built-in tool ${info.tool} for ${info.name}`);
    const spec = toolSpec(tool);
    return {
      name: info.name,
      toolReferenceName: info.toolReferenceName,
      displayName: info.displayName,
      userDescription: info.userDescription,
      modelDescription: spec.description,
      icon: info.icon,
      canBeReferencedInPrompt: true,
      tags: ['fanout', 'workspace', tool.access === 'read' ? 'read' : tool.access === 'write' ? 'edit' : 'execute'],
      inputSchema: spec.parameters,
    };
  });
}
