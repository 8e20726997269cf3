// Model text -> sanitized DOM. markdown-it never passes raw HTML through (html: false) and DOMPurify cleans the
// result anyway, so a model (or a file it quotes) cannot inject markup or script into the view.
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { button, h, icon } from '../dom';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

// markdown-it aligns table columns with style="text-align:..." attributes, which the webview's CSP (no
// 'unsafe-inline') refuses; the alignment becomes a class instead, and DOMPurify drops any style attribute left.
md.core.ruler.push('align_classes', (state) => {
  for (const token of state.tokens) {
    const style = token.attrGet('style');
    if (style === null) continue;
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
    const align = /text-align:\s*(left|right|center)/.exec(String(style))?.[1];
    if (align) token.attrJoin('class', `align-${align}`);
  }
  return true;
});

export function renderMarkdown(text: string): DocumentFragment {
  const fragment = DOMPurify.sanitize(md.render(text), { RETURN_DOM_FRAGMENT: true, FORBID_ATTR: ['style'] });
  for (const pre of Array.from(fragment.querySelectorAll('pre'))) decorateCodeBlock(pre);
  return fragment;
}

function decorateCodeBlock(pre: HTMLPreElement): void {
  const code = pre.querySelector('code');
  const language = /(?:^|\s)language-(\S+)/.exec(code?.className ?? '')?.[1] ?? '';
  const copy = button({ icon: 'copy', label: 'Copy code', className: 'code-copy' }, () => {
    void copyText(code?.textContent ?? pre.textContent ?? '').then((ok) => {
      copy.replaceChildren(icon(ok ? 'check' : 'error'));
      copy.dataset.copied = ok ? 'true' : 'false';
      setTimeout(() => {
        copy.replaceChildren(icon('copy'));
        delete copy.dataset.copied;
      }, 1500);
    });
  });
  const block = h('div', { class: 'code-block' }, h('div', { class: 'code-header' }, h('span', { class: 'code-lang' }, language), copy));
  pre.replaceWith(block);
  block.appendChild(pre);
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * One assistant message being streamed. Deltas only append to a string; the block is re-rendered at most once per
 * animation frame, and only this block: the rest of the conversation is never re-parsed.
 */
export class StreamingMarkdown {
  private text = '';
  private scheduled = 0;

  constructor(
    readonly el: HTMLElement,
    private readonly onRendered: () => void = () => {},
  ) {}

  get value(): string {
    return this.text;
  }

  append(delta: string): void {
    this.text += delta;
    if (!this.scheduled) this.scheduled = requestAnimationFrame(() => this.flush());
  }

  set(text: string): void {
    this.text = text;
    this.flush();
  }

  flush(): void {
    if (this.scheduled) cancelAnimationFrame(this.scheduled);
    this.scheduled = 0;
    this.el.replaceChildren(renderMarkdown(this.text));
    this.el.hidden = !this.text;
    this.onRendered();
  }
}
