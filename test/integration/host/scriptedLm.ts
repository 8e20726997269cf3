// A TEST-ONLY language model, registered in the extension host through the Language Model API exactly as a model
// extension (e.g. Copilot) registers its models. Its vendor `fanout-test` is declared by the runner extension
// (test/fixtures/runner-extension/package.json): VS Code accepts a provider only for a vendor some extension
// contributes. A prompt picks its script by a tag; the step is the number of requests carrying that tag so far.
import * as vscode from 'vscode';

export const TEST_VENDOR = 'fanout-test';
export const TEST_MODEL_ID = 'fanout-test-model';
export const TEST_MODEL_FAMILY = 'fanout-test-family';
/** A second model with a small window: it refuses a prompt over SMALL_WINDOW tokens (4 characters each) as Copilot does. */
export const TEST_SMALL_MODEL_ID = 'fanout-test-small';
export const SMALL_WINDOW = 12_000;

export type ScriptedPart = { text: string } | { call: { id: string; name: string; input: object } };

export interface SeenRequest {
  tag: string;
  messages: readonly vscode.LanguageModelChatRequestMessage[];
  tools: string[];
  toolMode: vscode.LanguageModelChatToolMode;
  tokens: number;
}

/** A request part as plain data: text, a call, or a result (with its text). */
export type SeenPart = { text: string } | { callId: string; name: string; input: unknown } | { resultFor: string; text: string } | { other: string };

export function describePart(part: unknown): SeenPart {
  if (part instanceof vscode.LanguageModelTextPart) return { text: part.value };
  if (part instanceof vscode.LanguageModelToolCallPart) return { callId: part.callId, name: part.name, input: part.input };
  if (part instanceof vscode.LanguageModelToolResultPart) {
    const text = part.content.map((c) => (c instanceof vscode.LanguageModelTextPart ? c.value : '')).join('');
    return { resultFor: part.callId, text };
  }
  return { other: (part as object | undefined)?.constructor?.name ?? typeof part };
}

export function textOf(message: vscode.LanguageModelChatRequestMessage): string {
  return message.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('\n');
}

export class ScriptedLanguageModel implements vscode.LanguageModelChatProvider {
  readonly requests: SeenRequest[] = [];
  private readonly scripts = new Map<string, (step: number, request: SeenRequest) => ScriptedPart[]>();

  /** The answers for prompts that carry `tag`, by step. */
  script(tag: string, answer: (step: number, request: SeenRequest) => ScriptedPart[]): void {
    this.scripts.set(tag, answer);
  }

  requestsOf(tag: string): SeenRequest[] {
    return this.requests.filter((r) => r.tag === tag);
  }

  provideLanguageModelChatInformation(): vscode.LanguageModelChatInformation[] {
    return [
      {
        id: TEST_MODEL_ID,
        name: 'Fanout Test Model',
        family: TEST_MODEL_FAMILY,
        version: '1',
        maxInputTokens: 200_000,
        maxOutputTokens: 8_000,
        capabilities: { toolCalling: true },
      },
      { id: TEST_SMALL_MODEL_ID, name: 'Fanout Small Test Model', family: 'fanout-test-small', version: '1', maxInputTokens: SMALL_WINDOW, maxOutputTokens: 2_000, capabilities: { toolCalling: true } },
    ];
  }

  /** The prompt size of a request, in this model's tokens (system text, messages, results and tool schemas). */
  static tokens(messages: readonly vscode.LanguageModelChatRequestMessage[], tools: readonly vscode.LanguageModelChatTool[] = []): number {
    const chars = messages.reduce((n, m) => n + (m.content as unknown[]).reduce((k: number, p) => k + JSON.stringify(describePart(p)).length, 0), 0);
    return Math.ceil((chars + JSON.stringify(tools).length) / 4);
  }

  async provideLanguageModelChatResponse(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
  ): Promise<void> {
    // The latest prompt: the last user message with text (later ones carry only tool results).
    const prompt = [...messages].reverse().map((m) => (m.role === vscode.LanguageModelChatMessageRole.User ? textOf(m) : '')).find((t) => t.trim()) ?? '';
    const tag = [...this.scripts.keys()].find((t) => prompt.includes(t)) ?? '';
    const request: SeenRequest = { tag, messages, tools: (options.tools ?? []).map((t) => t.name), toolMode: options.toolMode, tokens: ScriptedLanguageModel.tokens(messages, options.tools) };
    this.requests.push(request);
    if (request.tokens > model.maxInputTokens) throw new Error(`prompt token count of ${request.tokens} exceeds the limit of ${model.maxInputTokens}`);
    const answer = this.scripts.get(tag);
    if (!answer) throw new Error(`the test model has no script for this prompt: ${prompt.slice(-200)}`);
    for (const part of answer(this.requestsOf(tag).length - 1, request)) {
      progress.report('text' in part ? new vscode.LanguageModelTextPart(part.text) : new vscode.LanguageModelToolCallPart(part.call.id, part.call.name, part.call.input));
    }
  }

  async provideTokenCount(_model: vscode.LanguageModelChatInformation, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    return Math.ceil((typeof text === 'string' ? text : textOf(text)).length / 4);
  }
}

/** The runner extension (loaded as the development extension when the driver installs the VSIX) declares the vendor. */
const RUNNER_EXTENSION_ID = 'fanout-test.fanout-integration-runner';

/**
 * Registers a fresh test model; undefined when no extension declares the vendor, which is the case only with
 * `--dev` (Fanout itself is then the development extension, and the runner extension is not loaded).
 */
export async function registerTestModel(): Promise<{ model: ScriptedLanguageModel; registration: vscode.Disposable } | undefined> {
  if (!vscode.extensions.getExtension(RUNNER_EXTENSION_ID)) {
    console.warn(`skipping: the ${TEST_VENDOR} test vendor is declared by the runner extension, which only the VSIX run loads (not --dev)`);
    return undefined;
  }
  const model = new ScriptedLanguageModel();
  const registration = vscode.lm.registerLanguageModelChatProvider(TEST_VENDOR, model);
  const found = await vscode.lm.selectChatModels({ vendor: TEST_VENDOR });
  if (!found.some((m) => m.id === TEST_MODEL_ID)) {
    registration.dispose();
    throw new Error(`the test model was registered but vscode.lm.selectChatModels does not list it (got ${JSON.stringify(found.map((m) => m.id))})`);
  }
  return { model, registration };
}

/** Runs `fn` with several fanout.* user settings, then puts the old values back. */
export async function withSettings<T>(values: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  const config = vscode.workspace.getConfiguration('fanout');
  const before = Object.keys(values).map((key) => [key, config.inspect(key)?.globalValue] as const);
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    return await fn();
  } finally {
    for (const [key, value] of before) await vscode.workspace.getConfiguration('fanout').update(key, value, vscode.ConfigurationTarget.Global);
  }
}
