// Provider `vscode-lm`: the chat models other extensions offer through VS Code's Language Model API (GitHub Copilot,
// or any extension registering a LanguageModelChatProvider). No key: VS Code asks the user for consent instead.
import * as vscode from 'vscode';
import { ProviderError, type ModelEvent, type ModelLimits, type ModelProvider, type ModelRequest } from '../providers/provider';
import { LmStreamAssembler, toLmMessages, toLmTools, type LmMessage, type LmOutputPart } from '../providers/vscodeLm/convert';
import { classifyLmError } from '../providers/vscodeLm/errors';
import { tokenFor } from './cancellation';

/** Shown by VS Code in the consent dialog the first time Fanout uses a model. */
const JUSTIFICATION = 'Fanout sends your chat requests, its system prompt and the results of its workspace tools to the model.';

export class VscodeLmProvider implements ModelProvider {
  readonly id = 'vscode-lm' as const;
  private readonly models = new Map<string, Promise<vscode.LanguageModelChat>>();

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const assembler = new LmStreamAssembler(request.messages);
    const cancel = tokenFor(signal);
    let started = false;
    let name = request.model;
    try {
      const model = await this.model(request.model);
      name ||= model.name;
      const options: vscode.LanguageModelChatRequestOptions = { justification: JUSTIFICATION };
      if (request.tools.length) {
        options.tools = toLmTools(request.tools);
        options.toolMode = vscode.LanguageModelChatToolMode.Auto;
      }
      const response = await model.sendRequest(toLmMessages(request).map(toChatMessage), options, cancel.token);
      for await (const part of response.stream) {
        started = true;
        yield* assembler.push(classify(part));
      }
      // A cancelled request may end its stream quietly; the loop reports the stop, not a finished answer.
      if (!signal.aborted) yield* assembler.end();
    } catch (e) {
      throw classifyLmError(e, { model: name, started, aborted: signal.aborted });
    } finally {
      cancel.dispose();
    }
  }

  /** Model ids, for "Fanout: Select Model". */
  async listModels(): Promise<string[]> {
    const models = await vscode.lm.selectChatModels();
    return [...new Set(models.map((m) => m.id))].sort();
  }

  /** VS Code states each model's prompt limit (`maxInputTokens`): it is the window Fanout compacts against. */
  async modelLimits(model: string): Promise<ModelLimits | undefined> {
    const m = await this.model(model);
    return m.maxInputTokens > 0 ? { contextWindow: m.maxInputTokens } : undefined;
  }

  /**
   * `fanout.model` names a model by id or family, optionally as `vendor/id-or-family`; empty picks the first model VS
   * Code offers. Looked up once per request configuration (a run), so a model that goes away mid-run is NotFound.
   */
  private model(name: string): Promise<vscode.LanguageModelChat> {
    let found = this.models.get(name);
    if (!found) {
      found = findModel(name);
      this.models.set(name, found);
      found.catch(() => this.models.delete(name));
    }
    return found;
  }
}

async function findModel(name: string): Promise<vscode.LanguageModelChat> {
  const slash = name.indexOf('/');
  const selectors: vscode.LanguageModelChatSelector[] = name ? [{ id: name }, { family: name }] : [{}];
  if (slash > 0) {
    const vendor = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    selectors.push({ vendor, id: rest }, { vendor, family: rest });
  }
  for (const selector of selectors) {
    const [model] = await vscode.lm.selectChatModels(selector);
    if (model) return model;
  }
  const available = (await vscode.lm.selectChatModels()).map((m) => `${m.id} (${m.vendor})`);
  if (!name) {
    throw new ProviderError('bad_request', 'VS Code offers no language model: install an extension that provides one (such as GitHub Copilot Chat), or pick another provider.', { provider: 'vscode-lm' });
  }
  const list = available.length ? ` Available: ${available.slice(0, 12).join(', ')}${available.length > 12 ? ', …' : ''}.` : ' VS Code offers no language model at all.';
  throw new ProviderError('bad_request', `No such model: no language model in VS Code has the id or family "${name}".${list} Run "Fanout: Select Model".`, { provider: 'vscode-lm' });
}

function toChatMessage(m: LmMessage): vscode.LanguageModelChatMessage {
  if (m.role === 'user') {
    return vscode.LanguageModelChatMessage.User(
      m.parts.map((p) => (p.kind === 'text' ? new vscode.LanguageModelTextPart(p.text) : new vscode.LanguageModelToolResultPart(p.callId, [new vscode.LanguageModelTextPart(p.text)]))),
    );
  }
  return vscode.LanguageModelChatMessage.Assistant(
    m.parts.map((p) => (p.kind === 'text' ? new vscode.LanguageModelTextPart(p.text) : new vscode.LanguageModelToolCallPart(p.callId, p.name, p.input))),
  );
}

function classify(part: unknown): LmOutputPart {
  if (part instanceof vscode.LanguageModelTextPart) return { kind: 'text', text: part.value };
  if (part instanceof vscode.LanguageModelToolCallPart) return { kind: 'tool-call', callId: part.callId, name: part.name, input: part.input };
  return { kind: 'other' };
}
