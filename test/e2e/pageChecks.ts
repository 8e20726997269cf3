// Measurements taken inside the page, on computed styles and layout: horizontal overflow, clipped buttons and WCAG
// contrast of every rendered text and icon. Each returns a list of problems (empty when the view is fine), so an
// assertion failure names the element and the numbers.
import type { Page } from 'playwright-core';

/** Elements whose content is wider than their box (they would scroll or cut sideways). */
export async function horizontalOverflow(page: Page, selectors: readonly string[]): Promise<string[]> {
  await nameShim(page);
  return page.evaluate((sels) => {
    const out: string[] = [];
    for (const sel of sels) {
      for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
        if (!el.getClientRects().length) continue;
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        // Name the widest thing sticking out, so the failure says what to fix.
        const right = el.getBoundingClientRect().left + el.clientWidth;
        let culprit = '';
        let most = 0;
        for (const d of Array.from(el.querySelectorAll('*'))) {
          // Inside a box that scrolls on its own (a table, a code block), overflow is that box's business.
          let own = false;
          for (let p = d.parentElement; p && p !== el; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') own = true;
          if (own) continue;
          const r = d.getBoundingClientRect();
          if (r.right - right > most) {
            most = r.right - right;
            culprit = `${d.tagName.toLowerCase()}.${String(d.className).split(' ').join('.')}`;
          }
        }
        out.push(`${sel}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth} (${culprit} sticks out ${Math.round(most)} px)`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`page: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    return out;
  }, selectors);
}

/** Visible buttons whose content is cut off, or that stick out of the view or of their scrolling panel. */
export async function clippedButtons(page: Page): Promise<string[]> {
  await nameShim(page);
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (b: HTMLElement) => b.getAttribute('aria-label') || b.textContent?.trim() || b.className;
    for (const b of Array.from(document.querySelectorAll<HTMLElement>('button'))) {
      const r = b.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(b).visibility === 'hidden') continue;
      if (b.scrollWidth > b.clientWidth + 1) out.push(`"${name(b)}": content ${b.scrollWidth}px in ${b.clientWidth}px`);
      for (const span of Array.from(b.querySelectorAll<HTMLElement>('span'))) {
        const cs = getComputedStyle(span);
        // A name cut with an ellipsis is fine when the button's tooltip or label has it whole.
        const whole = cs.textOverflow === 'ellipsis' && `${b.title} ${b.getAttribute('aria-label') ?? ''}`.includes(span.textContent ?? '');
        if (span.getClientRects().length && cs.position !== 'absolute' && span.scrollWidth > span.clientWidth + 1 && cs.overflow !== 'visible' && !whole) {
          out.push(`"${name(b)}": label cut (${span.scrollWidth}px in ${span.clientWidth}px)`);
        }
      }
      if (r.left < -1 || r.right > window.innerWidth + 1) out.push(`"${name(b)}": outside the view (${Math.round(r.left)}..${Math.round(r.right)})`);
      // Inside a scroller that does not scroll sideways, a button past its right edge is cut.
      for (let p = b.parentElement; p; p = p.parentElement) {
        const cs = getComputedStyle(p);
        if (cs.overflowX === 'visible') continue;
        const pr = p.getBoundingClientRect();
        if (r.right > pr.right + 1 || r.left < pr.left - 1) out.push(`"${name(b)}": cut by ${p.className || p.tagName} (${Math.round(r.left)}..${Math.round(r.right)} in ${Math.round(pr.left)}..${Math.round(pr.right)})`);
        break;
      }
    }
    return out;
  });
}

export interface ContrastProblem {
  what: string;
  ratio: number;
  needed: number;
}

/**
 * WCAG 2.x contrast of every rendered text (4.5:1, or 3:1 when large) and codicon (3:1, non-text contrast) against
 * the colour actually behind it: the backgrounds of its ancestors composited over each other, with opacity applied.
 * Disabled controls are exempt, as WCAG exempts inactive components.
 */
export async function contrastProblems(page: Page, root = '.app'): Promise<ContrastProblem[]> {
  await nameShim(page);
  return page.evaluate((rootSel) => {
    type Rgba = [number, number, number, number];
    const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    // The canvas resolves any CSS colour syntax the computed style may use (rgb(), color(srgb ...), color-mix results).
    const parse = (c: string): Rgba => {
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = '#000';
      probe.fillStyle = c;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
      return [r!, g!, b!, a! / 255];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3] + under[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const mix = (i: number) => (top[i]! * top[3] + under[i]! * under[3] * (1 - top[3])) / a;
      return [mix(0), mix(1), mix(2), a];
    };
    const lum = ([r, g, b]: Rgba) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a: Rgba, b: Rgba) => {
      const [l1, l2] = [lum(a), lum(b)].sort((x, y) => y - x);
      return (l1! + 0.05) / (l2! + 0.05);
    };
    const pageBg = parse(getComputedStyle(document.body).backgroundColor);
    const backdrop = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let c: Rgba = [pageBg[0], pageBg[1], pageBg[2], 1];
      for (const layer of layers.reverse()) c = over(layer, c);
      return c;
    };
    const opacity = (el: Element) => {
      let o = 1;
      for (let e: Element | null = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    const describe = (el: Element) => {
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const text = (el.textContent ?? '').trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}${cls}${text ? ` "${text}"` : ''}`;
    };
    const out: { what: string; ratio: number; needed: number }[] = [];
    const rootEl = document.querySelector(rootSel);
    if (!rootEl) return out;
    for (const el of Array.from(rootEl.querySelectorAll('*'))) {
      if (!el.getClientRects().length) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || el.closest('button:disabled, textarea:disabled, [aria-disabled="true"]')) continue;
      const isIcon = el.classList.contains('codicon');
      const hasText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (!isIcon && !hasText) continue;
      // Visually hidden labels (icon-only buttons keep their name for screen readers) are not seen.
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue;
      const fg = parse(cs.color);
      // Not drawn at all (a hover-only action at opacity 0): it is checked when it shows.
      if (opacity(el) < 0.05) continue;
      const alpha = fg[3] * opacity(el);
      const bg = backdrop(el);
      const seen = over([fg[0], fg[1], fg[2], alpha], bg);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      const needed = isIcon || large ? 3 : 4.5;
      const value = ratio(seen, bg);
      if (value < needed) out.push({ what: describe(el), ratio: Math.round(value * 100) / 100, needed });
    }
    return out;
  }, root);
}

/** tsx compiles these functions with esbuild's keepNames, whose `__name` helper does not exist in the page. */
function nameShim(page: Page): Promise<unknown> {
  return page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)');
}
