import * as vscode from 'vscode';
import type { UserSettings } from '../agent/userSettings';
import { DEFAULT_MODELS } from '../providers';
import { isChatModel } from '../providers/catalog';
import { label } from '../providers/httpErrors';
import { EXTENSION_PROVIDER_IDS, type ExtensionProviderId, type ModelProvider } from '../providers/provider';

type Item = vscode.QuickPickItem & { model?: string; provider?: ExtensionProviderId; enter?: true };

export interface ModelPickerDeps {
  settings(): UserSettings;
  /** The provider with its key, or a thrown reason (no key, bad config). */
  provider(id: ExtensionProviderId): Promise<ModelProvider>;
  write(key: 'model' | 'provider', value: string): Promise<void>;
}

/**
 * `fanout.selectModel`: the provider's own model list (fetched with a busy indicator; a failure is shown in the
 * list, never thrown), "Enter a model name…", and the other providers to switch to.
 */
export async function pickModel(deps: ModelPickerDeps): Promise<{ provider: ExtensionProviderId; model: string } | undefined> {
  const current = deps.settings();
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = 'Fanout: Select Model';
  pick.matchOnDescription = true;
  let provider = current.provider;
  let loading: AbortController | undefined;

  const load = async (p: ExtensionProviderId) => {
    loading?.abort();
    const mine = (loading = new AbortController());
    provider = p;
    pick.placeholder = `Model for ${label(p).replace(/^The /, '')}`;
    pick.busy = true;
    pick.items = itemsFor(p, [], undefined);
    let models: string[] = [];
    let problem: string | undefined;
    try {
      const instance = await deps.provider(p);
      if (!instance.listModels) problem = 'this provider does not list its models';
      // Vendors list embeddings, image, speech and moderation models too: only chat models can drive the agent.
      else models = (await instance.listModels(mine.signal)).filter(isChatModel);
    } catch (e) {
      problem = (e as Error).message;
    }
    if (mine.signal.aborted) return;
    pick.items = itemsFor(p, models, problem);
    pick.busy = false;
  };

  const itemsFor = (p: ExtensionProviderId, models: string[], problem: string | undefined): Item[] => {
    const active = p === current.provider ? current.model : undefined;
    // vscode-lm has no default name (empty: the first model VS Code offers).
    const names = [...new Set([...(active ? [active] : []), ...models.sort(), DEFAULT_MODELS[p]])].filter(Boolean);
    const items: Item[] = names.map((m) => ({
      label: m,
      description: [m === active ? 'current' : '', m === DEFAULT_MODELS[p] ? 'default' : ''].filter(Boolean).join(', ') || undefined,
      model: m,
    }));
    if (problem) items.push({ label: '$(warning) Could not list models', detail: problem, alwaysShow: true });
    items.push({ label: '$(edit) Enter a model name…', alwaysShow: true, enter: true });
    items.push({ label: 'Other providers', kind: vscode.QuickPickItemKind.Separator });
    for (const other of EXTENSION_PROVIDER_IDS.filter((x) => x !== p)) items.push({ label: `$(arrow-swap) ${label(other).replace(/^The /, '')}`, description: other, provider: other, alwaysShow: true });
    return items;
  };

  const chosen = await new Promise<{ model: string; provider: ExtensionProviderId } | 'enter' | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      if (item?.provider) return void load(item.provider);
      if (item?.enter) return resolve('enter');
      if (item?.model) resolve({ model: item.model, provider });
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
    void load(provider);
  });
  loading?.abort();
  pick.dispose();
  if (chosen === undefined) return undefined;
  const target =
    chosen === 'enter'
      ? await vscode.window
          .showInputBox({ title: `Model name for ${label(provider).replace(/^The /, '')}`, value: provider === current.provider ? current.model : DEFAULT_MODELS[provider], validateInput: (v) => (v.trim() ? undefined : 'Enter a model name.') })
          .then((m) => (m?.trim() ? { model: m.trim(), provider } : undefined))
      : chosen;
  if (!target) return undefined;
  // Both, always: `current` may be the shown chat's own choice rather than what the settings hold.
  await deps.write('provider', target.provider);
  await deps.write('model', target.model);
  return target;
}
