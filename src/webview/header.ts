// The toolbar: which model answers (click to change), stop while running, conversation history, new chat.
import type { WebviewMessage } from '../shared/protocol';
import { button, h, icon } from './dom';

export class Header {
  readonly el: HTMLElement;
  readonly historyButton: HTMLButtonElement;
  private readonly model = h('span', { class: 'model-name' });
  private readonly modelButton: HTMLButtonElement;
  private readonly stop: HTMLButtonElement;
  private readonly meterFill = h('span', { class: 'context-meter-fill' });
  private readonly meterLabel = h('span', { class: 'context-meter-label' });
  /** Tokens in use / the model's window; its colour changes as it fills (theme colours, see styles.css). */
  readonly meter = h('div', { class: 'context-meter', role: 'meter', 'aria-label': 'Context window', 'aria-valuemin': 0, hidden: true }, h('span', { class: 'context-meter-bar' }, this.meterFill), this.meterLabel);

  constructor(post: (message: WebviewMessage) => void, toggleHistory: () => void) {
    this.modelButton = h('button', { type: 'button', class: 'model-button', title: 'Select model' }, icon('sparkle'), this.model, icon('chevron-down'));
    this.modelButton.addEventListener('click', () => post({ type: 'action', action: 'selectModel' }));
    this.stop = button({ icon: 'debug-stop', text: 'Stop', label: 'Stop the agent', className: 'stop-button fold' }, () => post({ type: 'stop' }));
    this.stop.hidden = true;
    this.historyButton = button({ icon: 'history', label: 'Conversation history' }, toggleHistory);
    this.historyButton.setAttribute('aria-expanded', 'false');
    this.historyButton.setAttribute('aria-controls', 'fanout-history');
    this.el = h(
      'header',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Fanout' },
      this.modelButton,
      h('span', { class: 'toolbar-spacer' }),
      this.meter,
      this.stop,
      this.historyButton,
      button({ icon: 'add', label: 'New chat' }, () => post({ type: 'new-chat' })),
    );
    this.setModel('', '');
  }

  setModel(provider: string, model: string): void {
    const text = provider && model ? `${provider} · ${model}` : model || provider || 'Select a model';
    this.model.textContent = text;
    this.modelButton.setAttribute('aria-label', `Model: ${text}. Select model`);
  }

  setContext(tokens: number, window: number): void {
    const share = Math.min(1, window > 0 ? tokens / window : 0);
    const pct = Math.round(share * 100);
    const n = (x: number) => x.toLocaleString('en-US');
    this.meter.hidden = false;
    this.meter.dataset.level = share >= 0.85 ? 'full' : share >= 0.6 ? 'high' : 'ok';
    this.meter.setAttribute('aria-valuemax', String(window));
    this.meter.setAttribute('aria-valuenow', String(tokens));
    this.meter.setAttribute('aria-valuetext', `${n(tokens)} of ${n(window)} tokens (${pct}%)`);
    this.meter.title = `Context: ${n(tokens)} / ${n(window)} tokens (${pct}%). Fanout compacts the conversation when it gets full; /compact does it now.`;
    this.meterFill.style.width = `${pct}%`;
    this.meterLabel.textContent = `${pct}%`;
  }

  setRunning(running: boolean): void {
    const hadFocus = document.activeElement === this.stop;
    this.stop.hidden = !running;
    if (hadFocus && !running) this.historyButton.focus();
  }
}
