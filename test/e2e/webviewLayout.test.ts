// The chat at the widths and themes people really use: a 300 px sidebar (VS Code's default is about that) and a
// wider 480 px one, in the light, dark and high-contrast themes. Measured in a real browser on the computed layout
// and colours: no sideways scrolling, no clipped button, WCAG AA contrast for every text and icon, and the final
// answer in view when a run with an approval ends.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { clippedButtons, contrastProblems, horizontalOverflow } from './pageChecks';
import { afterApproval, approvalTurn, changedFilesMessage, init, parallelBatch, wideContent } from './webviewFixtures';
import { sendHost, setTheme, useWebviewPage, waitForPosted, type ThemeClass } from './webviewPage';

const THEMES: ThemeClass[] = ['vscode-light', 'vscode-dark', 'vscode-high-contrast'];
const SCROLLERS = ['.conversation', '.dock', '.approval-card', '.changed-files', '.toolbar', '.composer'];

describe('chat webview layout and contrast at sidebar widths', function () {
  this.timeout(90_000);
  // Each test opens its page at its own width.
  const webview = useWebviewPage({ viewport: false });
  const open = (width: number) => webview.open({ width, height: 760 });

  /** A run in the middle of its second turn: a wide first answer, a finished batch, an approval open in the dock. */
  async function busyView(page: Page): Promise<void> {
    const approval = approvalTurn(3);
    await sendHost(page, init(), ...wideContent(), ...parallelBatch().slice(1), ...approval.events, approval.request, changedFilesMessage());
    await sendHost(page, { type: 'error', message: 'No API key for OpenAI. Run "Fanout: Set API Key" or set OPENAI_API_KEY.', actions: ['setApiKey', 'showLog'] });
    await page.locator('.approval-card .diff-view').waitFor();
    await page.locator('.changed-file').nth(3).waitFor();
  }

  for (const width of [300, 480]) {
    for (const theme of THEMES) {
      it(`${width} px, ${theme}: nothing overflows sideways, no clipped buttons, AA contrast`, async () => {
        const page = await open(width);
        await setTheme(page, theme);
        await busyView(page);
        assert.deepEqual(await horizontalOverflow(page, SCROLLERS), [], 'horizontal overflow');
        assert.deepEqual(await clippedButtons(page), [], 'clipped buttons');
        // The dock (approvals + changed files) leaves the conversation at least 60% of the view.
        const dock = await page.locator('.dock').boundingBox();
        assert.ok(dock && dock.height <= 760 * 0.4 + 1, `the dock takes ${dock?.height} px of 760`);
        // Tables and code scroll inside their own box.
        for (const sel of ['.markdown table', '.code-block pre']) {
          const box = await page.locator(sel).first().evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflowX: getComputedStyle(el).overflowX }));
          if (box.scroll > box.client) assert.equal(box.overflowX, 'auto', `${sel} scrolls in its own box`);
        }
        // Contrast of every text and icon, with the approval card and the tool cards expanded.
        await page.locator('.tool-card[data-call-id="call_c"] summary').click();
        assert.deepEqual(await contrastProblems(page), [], 'WCAG AA contrast');
      });
    }
  }

  it('300 px: the failed test run and the denied call have their own colours, distinct from done', async () => {
    const page = await open(300);
    for (const theme of THEMES) {
      await setTheme(page, theme);
      await sendHost(page, init(), ...parallelBatch());
      await page.locator('.batch-stats', { hasText: 'wall' }).waitFor();
      const iconColour = (id: string) => page.locator(`.tool-card[data-call-id="${id}"] .state-badge .codicon`).evaluate((el) => getComputedStyle(el).color);
      assert.notEqual(await iconColour('call_c'), await iconColour('call_a'), `${theme}: failed differs from done`);
    }
  });

  it('shows the final answer when a run with an approval ends, even after the user scrolled up; jump to latest otherwise', async () => {
    const page = await open(300);
    const approval = approvalTurn(3);
    await sendHost(page, init(), ...wideContent(), ...parallelBatch().slice(1), ...approval.events, approval.request);
    const card = page.locator('.approval-card');
    await card.waitFor();
    // The user reads back up the conversation, then decides.
    await page.locator('.conversation').evaluate((el) => el.scrollTo({ top: 0 }));
    await page.locator('.jump-latest').waitFor();
    await card.getByRole('button', { name: 'Allow all' }).click();
    await waitForPosted(page, 'approval-response');
    await sendHost(page, ...afterApproval(3));
    await page.locator('.run-status').waitFor();
    const answer = page.locator('.turn[data-turn="4"] .assistant-text');
    const [a, view] = await Promise.all([answer.boundingBox(), page.locator('.conversation').boundingBox()]);
    assert.ok(a && view, 'answer and view are laid out');
    // The answer is taller than the view: its beginning is shown.
    assert.ok(a.y >= view.y - 1 && a.y < view.y + view.height / 2, `answer starts in view (answer y ${a.y}, view ${view.y}..${view.y + view.height})`);
    await page.locator('.jump-latest').click();
    await page.locator('.turn[data-turn="4"] li', { hasText: 'Checked item number 30' }).waitFor();
    const end = await page.locator('.turn[data-turn="4"] p', { hasText: 'FINAL-ANSWER-END' }).boundingBox();
    assert.ok(end && end.y + end.height <= view.y + view.height + 1, 'jump to latest shows the end');
    await page.locator('.jump-latest').waitFor({ state: 'hidden' });
    // The batch that waited shows the user's wait as its own segment, left out of the wall and tool time.
    const stats = await page.locator('.batch').last().locator('.batch-stats').textContent();
    assert.match(stats ?? '', /2 calls · 1\.3 s wall · 5\.0 s waiting for you/);
    assert.equal(await page.locator('.batch').last().locator('.tl-user:visible').count(), 2);
    const run = await page.locator('.tl-row[data-call-id="ap_cmd"] .tl-run').boundingBox();
    const track = await page.locator('.tl-row[data-call-id="ap_cmd"] .tl-track').boundingBox();
    assert.ok(run && track && run.width > track.width * 0.15, `the command's run bar is not a sliver (${run?.width} of ${track?.width})`);
  });
});
