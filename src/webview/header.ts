// The toolbar: which model answers (click to change), stop while running, conversation history, new chat.
import type { WebviewMessage } from '../shared/protocol';
import { button, h, icon } from './dom';

export class Header {
  readonly el: HTMLElement;
  readonly historyButton: HTMLButtonElement;
  private readonly model = h('span', { class: 'model-name' });
  private readonly modelButton: HTMLButtonElement;
  private readonly stop: HTMLButtonElement;

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

  setRunning(running: boolean): void {
    const hadFocus = document.activeElement === this.stop;
    this.stop.hidden = !running;
    if (hadFocus && !running) this.historyButton.focus();
  }
}
