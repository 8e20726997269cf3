import * as vscode from 'vscode';
import { API_KEY_ENV } from '../providers';
import { label } from '../providers/httpErrors';
import { PROVIDER_IDS, type ExtensionProviderId, type ProviderId } from '../providers/provider';

const secretName = (p: ProviderId) => `fanout.apiKey.${p}`;

/**
 * API keys live in VS Code's SecretStorage (the OS keychain), never in settings; the provider's environment
 * variable is the fallback. Every key this class has seen is remembered for the log redactor.
 */
export class ApiKeys implements vscode.Disposable {
  private readonly seen = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    for (const p of PROVIDER_IDS) {
      const env = API_KEY_ENV[p];
      if (env && process.env[env]) this.seen.add(process.env[env]!);
    }
    // Another window may store a key: learn it before anything could log it.
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith('fanout.apiKey.')) void secrets.get(e.key).then((k) => k && this.seen.add(k), () => undefined);
    });
  }

  /** A key was stored or removed (here or in another window). */
  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return (listener, thisArg, disposables) => this.secrets.onDidChange((e) => e.key.startsWith('fanout.apiKey.') && listener.call(thisArg, e), undefined, disposables);
  }

  /** Every key known so far (for redaction). */
  known(): Iterable<string> {
    return this.seen;
  }

  async get(provider: ProviderId): Promise<{ key?: string; source: 'secret' | 'env' | 'none' }> {
    const stored = await this.secrets.get(secretName(provider));
    if (stored) {
      this.seen.add(stored);
      return { key: stored, source: 'secret' };
    }
    const env = API_KEY_ENV[provider];
    const fromEnv = env ? process.env[env] : undefined;
    return fromEnv ? { key: fromEnv, source: 'env' } : { source: 'none' };
  }

  async store(provider: ProviderId, key: string): Promise<void> {
    this.seen.add(key);
    await this.secrets.store(secretName(provider), key);
  }

  async delete(provider: ProviderId): Promise<void> {
    await this.secrets.delete(secretName(provider));
  }

  /** `fanout.setApiKey`: pick a provider (the configured one first), paste the key into a password box. */
  async promptAndStore(current: ExtensionProviderId): Promise<ProviderId | undefined> {
    // vscode-lm takes no key (VS Code asks for consent): it is not in the list.
    const items = await Promise.all(
      [...PROVIDER_IDS].sort((a, b) => Number(b === current) - Number(a === current)).map(async (p) => {
        const { source } = await this.get(p);
        const detail = source === 'secret' ? 'key stored' : source === 'env' ? `using $${API_KEY_ENV[p]}` : 'no key';
        return { label: label(p).replace(/^The /, ''), description: `${p} · ${detail}`, provider: p };
      }),
    );
    const picked = await vscode.window.showQuickPick(items, { title: 'Fanout: Set API Key', placeHolder: 'Which provider is the key for?' });
    if (!picked) return undefined;
    const value = await vscode.window.showInputBox({
      title: `API key for ${picked.label}`,
      prompt: 'Stored in the OS keychain (VS Code SecretStorage), never in settings. Leave empty to remove the stored key.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined),
    });
    if (value === undefined) return undefined;
    const key = value.trim();
    if (key) await this.store(picked.provider, key);
    else await this.delete(picked.provider);
    void vscode.window.showInformationMessage(key ? `Fanout: API key for ${picked.label} stored.` : `Fanout: stored API key for ${picked.label} removed.`);
    return picked.provider;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
