import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * An MCP tool result as the text the model reads: text parts joined, binary parts summarised (the model cannot see
 * images through a text result, and base64 would only burn context). Structured content stands in when there is no text.
 */
export function resultText(result: Pick<CallToolResult, 'content' | 'structuredContent'>): string {
  const parts = (result.content ?? []).map((part) => {
    switch (part.type) {
      case 'text':
        return part.text;
      case 'image':
      case 'audio':
        return `[${part.type}: ${part.mimeType}, ${base64Bytes(part.data)} bytes]`;
      case 'resource_link':
        return `[resource: ${part.uri}${part.mimeType ? `, ${part.mimeType}` : ''}]`;
      case 'resource': {
        const r = part.resource;
        if ('text' in r && typeof r.text === 'string') return `[resource: ${r.uri}]\n${r.text}`;
        return `[resource: ${r.uri}${r.mimeType ? `, ${r.mimeType}` : ''}, ${'blob' in r && typeof r.blob === 'string' ? base64Bytes(r.blob) : 0} bytes]`;
      }
      default:
        return `[${(part as { type: string }).type} content]`;
    }
  });
  if (!parts.length && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent, null, 2);
  return parts.join('\n');
}

function base64Bytes(data: string): number {
  const clean = data.replace(/\s/g, '');
  return Math.floor((clean.length * 3) / 4) - (clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0);
}
