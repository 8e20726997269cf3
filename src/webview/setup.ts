// The first-run setup screen, shown instead of the conversation while no provider is usable: pick a provider (VS
// Code's own language models first when any are offered), give its key through VS Code's password box (the key goes
// to SecretStorage and never into this page), optionally a model fetched from the provider, test the connection,
// save. Whatever the user typed meanwhile waits in the prompt box's queue and is sent once setup is done.
import type { HostMessage, SetupState, WebviewMessage } from '../shared/protocol';
import { button, h, icon } from './dom';

type SetupResult = Extract<HostMessage, { type: 'setup-result' }>;

const LM = 'vscode-lm';

export class SetupView {
  readonly el = h('section', { class: 'setup', 'aria-labelledby': 'fanout-setup-title', hidden: true });
  private state?: SetupState;
  private provider = '';
  private readonly choices = h('div', { class: 'setup-choices', role: 'radiogroup', 'aria-labelledby': 'fanout-setup-provider' });
  private readonly keyRow = h('div', { class: 'setup-row setup-key' });
  private readonly baseUrl = h('input', { class: 'setup-input', id: 'fanout-setup-baseurl', type: 'url', placeholder: 'http://localhost:11434/v1', spellcheck: 'false' });
  private readonly baseUrlRow: HTMLElement;
  private readonly model = h('input', { class: 'setup-input', id: 'fanout-setup-model', list: 'fanout-setup-models', placeholder: 'default', spellcheck: 'false' });
  private readonly modelList = h('datalist', { id: 'fanout-setup-models' });
  private readonly status = h('p', { class: 'setup-status', role: 'status' });
  private readonly problem = h('p', { class: 'setup-problem' });

  constructor(private readonly post: (message: WebviewMessage) => void) {
    this.baseUrlRow = h('div', { class: 'setup-row' }, h('label', { for: this.baseUrl.id }, 'Base URL'), this.baseUrl);
    const fetchModels = button({ icon: 'refresh', text: 'Fetch', label: 'Fetch the provider’s models', className: 'setup-fetch fold' }, () => {
      this.say('Fetching models…');
      this.post({ type: 'setup-models', provider: this.provider, baseUrl: this.urlValue() });
    });
    this.el.append(
      h('div', { class: 'setup-head' }, icon('sparkle'), h('h2', { id: 'fanout-setup-title' }, 'Set up Fanout')),
      this.problem,
      h('p', { class: 'setup-label', id: 'fanout-setup-provider' }, 'Where should the model run?'),
      this.choices,
      this.baseUrlRow,
      this.keyRow,
      h('div', { class: 'setup-row' }, h('label', { for: this.model.id }, 'Model (optional)'), h('div', { class: 'setup-inline' }, this.model, fetchModels), this.modelList),
      h(
        'div',
        { class: 'setup-actions' },
        button({ icon: 'plug', text: 'Test connection', className: 'setup-test' }, () => {
          this.say('Testing…');
          this.post({ type: 'setup-test', provider: this.provider, model: this.model.value.trim() || undefined, baseUrl: this.urlValue() });
        }),
        button({ icon: 'check', text: 'Save and start', variant: 'primary', className: 'setup-save' }, () => {
          this.say('Saving…');
          this.post({ type: 'setup-save', provider: this.provider, model: this.model.value.trim(), baseUrl: this.urlValue() });
        }),
      ),
      this.status,
      h('p', { class: 'setup-hint' }, 'Change it later with Fanout: Select Model and Fanout: Set API Key. Anything you type now is sent once setup is done.'),
    );
  }

  get shown(): boolean {
    return !this.el.hidden;
  }

  /** The host's view of the providers; the screen shows when setup is needed and stays until it is not. */
  set(state: SetupState): void {
    const first = !this.state;
    this.state = state;
    if (first || !this.provider) {
      this.provider = state.provider === LM && !state.lmModels.length ? 'openai' : state.provider;
      this.model.value = state.model;
      this.baseUrl.value = state.baseUrl;
    }
    this.el.hidden = !state.needed;
    this.problem.textContent = state.problem ?? '';
    this.render();
  }

  result(r: SetupResult): void {
    if (r.op === 'models' && r.models) this.modelList.replaceChildren(...r.models.map((m) => h('option', { value: m })));
    this.say(r.message, r.ok ? 'ok' : 'error');
  }

  private render(): void {
    const state = this.state!;
    const options = [
      ...(state.lmModels.length ? [{ id: LM, label: 'VS Code language models', detail: `${state.lmModels.length} offered, e.g. ${state.lmModels[0]}; no key` }] : []),
      ...state.providers.map((p) => ({ id: p.id, label: p.label, detail: p.keySource === 'secret' ? 'key stored' : p.keySource === 'env' ? `key from $${p.env}` : p.needsKey ? 'needs a key' : 'key optional' })),
    ];
    this.choices.replaceChildren(
      ...options.map((o) => {
        const radio = h('input', { type: 'radio', name: 'fanout-setup-provider', value: o.id, id: `fanout-setup-${o.id}`, checked: o.id === this.provider });
        radio.addEventListener('change', () => {
          this.provider = o.id;
          this.modelList.replaceChildren();
          this.say('');
          this.render();
        });
        return h('label', { class: 'setup-choice', for: radio.id }, radio, h('span', { class: 'setup-choice-name' }, o.label), h('span', { class: 'setup-choice-detail' }, o.detail));
      }),
    );
    this.baseUrlRow.hidden = this.provider !== 'openai-compatible';
    const p = state.providers.find((x) => x.id === this.provider);
    this.keyRow.hidden = !p;
    if (p) {
      const has = p.keySource !== 'none';
      this.keyRow.replaceChildren(
        h('span', { class: 'setup-key-state' }, icon(has ? 'pass' : 'key'), h('span', {}, has ? (p.keySource === 'env' ? `Using $${p.env}` : 'API key stored') : p.needsKey ? 'API key needed' : 'API key (optional)')),
        button({ icon: 'key', text: has ? 'Replace key…' : 'Enter API key…', variant: has ? 'secondary' : 'primary', className: 'setup-enter-key' }, () => this.post({ type: 'setup-key', provider: this.provider })),
      );
    }
  }

  private urlValue(): string | undefined {
    return this.provider === 'openai-compatible' ? this.baseUrl.value.trim() : undefined;
  }

  private say(text: string, kind: 'ok' | 'error' | '' = ''): void {
    this.status.textContent = text;
    this.status.dataset.kind = kind;
  }
}
