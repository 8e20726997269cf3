// Tiny DOM builders. Everything is created with createElement/textContent: no HTML strings (except sanitized
// markdown), and no `style` attributes, which the webview's CSP (no 'unsafe-inline') would block. Positions that must
// be computed are set through the CSSOM (`el.style.left = ...`), which CSP allows.

type AttrValue = string | number | boolean | undefined;
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
}

/** A decorative codicon; the accessible name always comes from the surrounding control. */
export function icon(name: string, ...extra: string[]): HTMLElement {
  return h('i', { class: ['codicon', `codicon-${name}`, ...extra].join(' '), 'aria-hidden': 'true' });
}

export interface ButtonOptions {
  icon?: string;
  /** Text shown on the button; icon-only buttons get `label` as aria-label and tooltip instead. */
  text?: string;
  label?: string;
  variant?: 'primary' | 'secondary' | 'icon' | 'link';
  className?: string;
}

export function button(options: ButtonOptions, onClick: (ev: MouseEvent) => void): HTMLButtonElement {
  const variant = options.variant ?? (options.text ? 'secondary' : 'icon');
  const b = h(
    'button',
    {
      type: 'button',
      class: [`btn btn-${variant}`, options.className].filter(Boolean).join(' '),
      'aria-label': options.text ? undefined : options.label,
      // A text button whose label folds away in a narrow view (class `fold`) keeps its words as the tooltip.
      title: options.label ?? options.text,
    },
    options.icon ? icon(options.icon) : null,
    options.text ? h('span', { class: 'btn-text' }, options.text) : null,
  );
  b.addEventListener('click', onClick);
  return b;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTokens(n: number): string {
  return n < 1000 ? String(n) : n < 1_000_000 ? `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k` : `${(n / 1_000_000).toFixed(2)}M`;
}

export function formatCost(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : usd >= 0.01 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(4)}`;
}

/** Keeps a list scrolled to its end while new content arrives, unless the user scrolled up to read. */
export function isNearBottom(el: HTMLElement): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 40;
}
