import * as vscode from 'vscode';
import type { Logger } from '../host/logger';
import { API_KEY_ENV, DEFAULT_MODELS, requiresApiKey } from '../providers';
import { label } from '../providers/httpErrors';
import { EXTENSION_PROVIDER_IDS, PROVIDER_IDS, type ExtensionProviderId, type ProviderId } from '../providers/provider';
import type { SetupState } from '../shared/protocol';
import type { ApiKeys } from './apiKeys';
import type { ChatViewProvider } from './chatViewProvider';
import { providerFor } from './runSetup';
import type { SettingsReader } from './settings';

/** Error kinds a working provider answers for: their cards go once setup is done. */
const SETUP_ERRORS = ['missing_key', 'auth', 'bad_config', 'lm_consent'];

export interface SetupFlowDeps {
  view: ChatViewProvider;
  keys: ApiKeys;
  settings: SettingsReader;
  logger: Logger;
}

/**
 * The first-run setup screen's host side. With no usable provider (no key, no base URL for a local server, or no
 * VS Code model) the chat shows a setup screen instead of a prompt that fails on first send: pick a provider, give a
 * key (VS Code's password box straight into SecretStorage; the key never enters the webview), optionally pick a
 * model fetched from the provider, test the connection. The state is sent again whenever settings or keys change.
 */
export class SetupFlow implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private usable: boolean | undefined;

  constructor(private readonly deps: SetupFlowDeps) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('fanout') && void this.post()),
      vscode.lm.onDidChangeChatModels(() => void this.post()),
      // A key stored by "Fanout: Set API Key" (or another window) may be what was missing.
      deps.keys.onDidChange(() => void this.post()),
    );
  }

  /** Sends the current state to the view (and clears the errors it made obsolete once the provider is usable). */
  async post(): Promise<void> {
    const state = await this.state();
    this.deps.view.post({ type: 'setup', state });
    if (!state.needed && this.usable === false) this.deps.view.post({ type: 'clear-errors', kinds: SETUP_ERRORS });
    this.usable = !state.needed;
  }

  async state(): Promise<SetupState> {
    const s = this.deps.settings.read();
    const lmModels = await vscode.lm.selectChatModels().then(
      (models) => [...new Set(models.map((m) => `${m.vendor}/${m.id}`))],
      () => [],
    );
    const providers = await Promise.all(
      PROVIDER_IDS.map(async (id) => ({ id, label: providerName(id), needsKey: requiresApiKey(id), keySource: (await this.deps.keys.get(id)).source, env: API_KEY_ENV[id] })),
    );
    const problem = this.problem(s.provider, s.baseUrl, providers, lmModels);
    return { needed: problem !== undefined, provider: s.provider, model: s.model, baseUrl: s.baseUrl ?? '', providers, lmModels, problem };
  }

  private problem(provider: ExtensionProviderId, baseUrl: string | undefined, providers: SetupState['providers'], lmModels: readonly string[]): string | undefined {
    if (provider === 'vscode-lm') return lmModels.length ? undefined : 'VS Code offers no language model: install one (such as GitHub Copilot Chat) or pick another provider.';
    if (provider === 'openai-compatible' && !baseUrl) return 'An OpenAI-compatible server needs its base URL, e.g. http://localhost:11434/v1 for Ollama.';
    const p = providers.find((x) => x.id === provider);
    return p && p.needsKey && p.keySource === 'none' ? `No API key for ${providerName(provider)} yet.` : undefined;
  }

  /** `setup-key`: VS Code's password box for this provider's key, stored in SecretStorage. */
  async enterKey(provider: string): Promise<void> {
    const id = asProvider(provider);
    if (!id || id === 'vscode-lm') return;
    const value = await vscode.window.showInputBox({
      title: `API key for ${providerName(id)}`,
      prompt: 'Stored in the OS keychain (VS Code SecretStorage), never in settings or in the chat.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined),
    });
    if (value?.trim()) await this.deps.keys.store(id, value.trim());
    await this.post();
  }

  /** `setup-models`: the provider's model list, with the key stored for it. */
  async models(provider: string, baseUrl: string | undefined): Promise<void> {
    const result = await this.withProvider(provider, baseUrl, async (p, id) => {
      const models = p.listModels ? await p.listModels(AbortSignal.timeout(20_000)) : [];
      return { ok: true, message: models.length ? `${models.length} models` : 'This provider does not list its models: type a name.', models: models.length ? models : [DEFAULT_MODELS[id]].filter(Boolean) };
    });
    this.deps.view.post({ type: 'setup-result', op: 'models', ...result });
  }

  /** `setup-test`: one cheap authenticated request (the model list), so a wrong key or URL shows before the first message. */
  async test(provider: string, model: string | undefined, baseUrl: string | undefined): Promise<void> {
    const result = await this.withProvider(provider, baseUrl, async (p, id) => {
      if (!p.listModels) return { ok: true, message: `${providerName(id)} is set up.` };
      const models = await p.listModels(AbortSignal.timeout(20_000));
      const name = model?.trim() || DEFAULT_MODELS[id];
      const known = !name || !models.length || models.some((m) => m === name || m.endsWith(`/${name}`) || m.split('/').pop() === name);
      return { ok: true, message: `Connected to ${providerName(id)}${models.length ? ` (${models.length} models)` : ''}.${known ? '' : ` It does not list "${name}".`}` };
    });
    this.deps.view.post({ type: 'setup-result', op: 'test', ...result });
  }

  /** `setup-save`: writes provider, model and base URL to the settings; the new state follows. */
  async save(provider: string, model: string | undefined, baseUrl: string | undefined): Promise<void> {
    const id = asProvider(provider);
    if (!id) return;
    const { settings } = this.deps;
    // The write that makes the provider usable lets the messages queued during setup go out at once (each write
    // re-posts the state), so it comes last: the provider, and before it the base URL, after the model they need.
    if (model !== undefined && model.trim() !== settings.read().model) await settings.write('model', model.trim());
    if (baseUrl !== undefined && baseUrl.trim() !== (settings.read().baseUrl ?? '')) await settings.write('baseUrl', baseUrl.trim());
    if (id !== settings.read().provider) await settings.write('provider', id);
    const state = await this.state();
    this.deps.view.post({ type: 'setup-result', op: 'save', ok: !state.needed, message: state.problem ?? 'Saved.' });
    await this.post();
  }

  private async withProvider(
    provider: string,
    baseUrl: string | undefined,
    run: (p: Awaited<ReturnType<typeof providerFor>>, id: ExtensionProviderId) => Promise<{ ok: boolean; message: string; models?: string[] }>,
  ): Promise<{ ok: boolean; message: string; models?: string[] }> {
    const id = asProvider(provider);
    if (!id) return { ok: false, message: `Unknown provider ${provider}.` };
    try {
      const instance = await providerFor({ keys: this.deps.keys }, { provider: id, baseUrl: baseUrl?.trim() || this.deps.settings.read().baseUrl });
      return await run(instance, id);
    } catch (e) {
      this.deps.logger.info(`setup: ${id} check failed: ${(e as Error).message}`);
      return { ok: false, message: (e as Error).message };
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function asProvider(p: string): ExtensionProviderId | undefined {
  return (EXTENSION_PROVIDER_IDS as readonly string[]).includes(p) ? (p as ExtensionProviderId) : undefined;
}

function providerName(p: ProviderId | ExtensionProviderId): string {
  return label(p).replace(/^The /, '');
}
