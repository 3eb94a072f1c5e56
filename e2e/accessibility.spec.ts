/**
 * Every screen, light and dark, at 1280 and 420 pixels wide, against a real node: the text of the
 * page meets WCAG AA contrast (computed from the colours the browser actually painted: each text's
 * colour against the backgrounds behind it, composited), nothing scrolls sideways, every
 * navigation link is on screen, and every form control has a label.
 */
import type { Page } from '@playwright/test';
import { DEV_MNEMONIC, expect, shot, test } from './fixtures';

const SCREENS = ['mining', 'leaderboard', 'wallet', 'settings', 'logs', 'welcome'] as const;
const WIDTHS = [1280, 420] as const;
const SCHEMES = ['dark', 'light'] as const;

interface Finding {
  readonly text: string;
  readonly ratio: number;
  readonly needed: number;
  readonly color: string;
  readonly background: string;
}

/** Runs in the page: the texts whose contrast falls below AA (4.5:1, or 3:1 for large text). */
function lowContrastTexts(): Finding[] {
  type Rgba = [number, number, number, number];
  const parse = (c: string): Rgba => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const [r, g, b, a] = m[1]!
      .split(/[,\s/]+/)
      .filter(Boolean)
      .map(Number);
    return [r!, g!, b!, a ?? 1];
  };
  /** `top` painted over the opaque `under`. */
  const over = (top: Rgba, under: Rgba): Rgba => {
    const a = top[3];
    return [
      top[0] * a + under[0] * (1 - a),
      top[1] * a + under[1] * (1 - a),
      top[2] * a + under[2] * (1 - a),
      1,
    ];
  };
  const background = (el: Element | null): Rgba => {
    const layers: Rgba[] = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let painted: Rgba = [255, 255, 255, 1];
    for (const layer of layers.reverse()) painted = over(layer, painted);
    return painted;
  };
  const luminance = ([r, g, b]: Rgba) => {
    const lin = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const contrast = (a: Rgba, b: Rgba) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };
  const findings: Finding[] = [];
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    const own = Array.from(el.childNodes)
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent ?? '')
      .join('')
      .trim();
    if (!own) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || el.getClientRects().length === 0) continue;
    // WCAG exempts disabled controls and text nobody sees.
    if (el.closest('[disabled], [aria-hidden="true"], .visually-hidden, option')) continue;
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const ratio = contrast(fg, bg);
    if (ratio < needed)
      findings.push({
        text: own.slice(0, 60),
        ratio: Math.round(ratio * 100) / 100,
        needed,
        color: style.color,
        background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
      });
  }
  return findings;
}

/** Runs in the page: form controls a screen reader cannot name. */
function unlabelledControls(): string[] {
  return (
    Array.from(document.querySelectorAll('input, select, textarea, button'))
      .filter((el) => el.getClientRects().length > 0)
      // Hidden from assistive technology on purpose (a slider mirroring a labelled number field).
      .filter((el) => !el.closest('[aria-hidden="true"]'))
      .filter((el) => {
        const c = el as HTMLInputElement;
        const byLabel = (c.labels?.length ?? 0) > 0;
        const byAria = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        const byText = el.tagName === 'BUTTON' && (el.textContent ?? '').trim() !== '';
        return !(byLabel || byAria || byText || el.getAttribute('title'));
      })
      .map((el) => el.outerHTML.slice(0, 120))
  );
}

async function checkScreen(page: Page, screen: string, width: number, scheme: string) {
  const where = `${screen} at ${width} px, ${scheme}`;
  expect(await page.evaluate(lowContrastTexts), `contrast: ${where}`).toEqual([]);
  expect(await page.evaluate(unlabelledControls), `labels: ${where}`).toEqual([]);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `sideways scrolling: ${where}`).toBeLessThanOrEqual(0);
  for (const link of await page.getByRole('navigation', { name: 'Main' }).getByRole('link').all()) {
    const box = await link.boundingBox();
    expect(box, `a navigation link off screen: ${where}`).not.toBeNull();
    expect(box!.x + box!.width, `a navigation link cut off: ${where}`).toBeLessThanOrEqual(width);
  }
}

test('every screen meets AA contrast, labels its controls and fits from 420 to 1280 px', async ({
  page,
  node,
}) => {
  test.setTimeout(180_000);
  // A key first, so that Wallet shows one (and the first screen is not onboarding).
  await page.goto(node.url);
  await page.getByTestId('secret-input').fill(DEV_MNEMONIC);
  await page.getByTestId('save-key').click();
  await expect(page).toHaveURL(/#\/?mining/);
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      for (const screen of SCREENS) {
        await page.evaluate((hash) => (window.location.hash = hash), `#/${screen}`);
        await expect(page.locator('main')).toBeVisible();
        // Let each screen's first answers from the node arrive (over the WebSocket).
        await page.waitForTimeout(500);
        await checkScreen(page, screen, width, scheme);
        await shot(page, `a11y-${screen}-${width}-${scheme}`);
      }
    }
  }
});
