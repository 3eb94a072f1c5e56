/**
 * The UI in a real browser against a real node: onboarding with a development mnemonic, a bad
 * mnemonic, solo mining with live statistics, and the leaderboard's empty state. Screenshots are
 * written to .cache/e2e-screenshots/ for a person to look at.
 */
import { DEV_ADDRESS, DEV_MNEMONIC, expect, shot, test } from './fixtures';

test('onboarding: a development mnemonic shows its address and is saved', async ({
  page,
  node,
}) => {
  await page.goto(node.url);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  // A node started without a network says so, apart from its own connection.
  await expect(page.getByTestId('chain-state')).toContainText('Chain: none (solo only)');
  await page.getByTestId('secret-input').fill(DEV_MNEMONIC);
  await expect(page.getByTestId('address-preview')).toContainText(DEV_ADDRESS);
  await shot(page, '01-onboarding-address');
  await page.getByTestId('save-key').click();
  // Saved: the wallet lists it, and the secret is gone from the page.
  await page.getByTestId('nav-wallet').click();
  await expect(page.getByText(DEV_ADDRESS)).toBeVisible();
  expect(await page.content()).not.toContain('curtain smoke');
  await shot(page, '02-wallet');
});

test('onboarding: a btcli hotkey is picked, its address shown, and saved', async ({
  page,
  node,
}) => {
  await page.goto(node.url);
  await page.getByTestId('method-btcli').click();
  await page.getByTestId('btcli-miner-default').check();
  await expect(page.getByTestId('btcli-address')).toContainText(DEV_ADDRESS);
  await shot(page, '06-onboarding-btcli');
  await page.getByTestId('btcli-confirm').click();
  await expect(page).toHaveURL(/#\/?mining/);
  await page.getByTestId('nav-wallet').click();
  await expect(page.getByText(DEV_ADDRESS)).toBeVisible();
  expect(await page.content()).not.toContain('curtain smoke');
});

test('onboarding: a browser extension account is added to view', async ({ page, node }) => {
  // A stand-in for a Polkadot{.js} extension, which cannot be installed in this offline browser:
  // it injects window.injectedWeb3 as extensions do, sharing one account.
  await page.addInitScript((address) => {
    const accounts = [{ address, name: 'My extension key', type: 'sr25519' }];
    (window as unknown as { injectedWeb3: unknown }).injectedWeb3 = {
      'polkadot-js': {
        version: '0.63.1',
        enable: async () => ({
          accounts: { get: async () => accounts, subscribe: () => () => {} },
          signer: {},
        }),
      },
    };
  }, DEV_ADDRESS);
  await page.goto(node.url);
  await page.getByTestId('method-extension').click();
  await page.getByTestId(`extension-${DEV_ADDRESS}`).check();
  await expect(page.getByTestId('extension-address')).toContainText(DEV_ADDRESS);
  await shot(page, '10-onboarding-extension');
  await page.getByTestId('extension-confirm').click();
  await expect(page).toHaveURL(/#\/?wallet/);
  await expect(page.getByText(DEV_ADDRESS)).toBeVisible();
});

test('settings: the dataset and start at login, as a headless node has them', async ({
  page,
  node,
}) => {
  await page.goto(node.url);
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('dataset-state')).toContainText(/ready/i);
  await expect(page.getByTestId('start-at-login')).toBeDisabled();
  await expect(page.getByTestId('start-at-login-note')).toContainText(/service manager/);
  // Resting on battery or while the person works needs the desktop app's view of the computer.
  await expect(page.getByTestId('pause-on-battery')).toBeDisabled();
  await expect(page.getByTestId('power-note')).toContainText(/Only the desktop app/);
  // A network that is not one gets the reason; a good one is saved and shown.
  await page.getByTestId('network').fill('mainnet');
  await page.getByTestId('network-save').click();
  await expect(page.getByTestId('network-error')).toContainText(/neither a network/);
  await page.getByTestId('network').fill('finney');
  await page.getByTestId('netuid').fill('42');
  await page.getByTestId('network-save').click();
  await expect(page.getByTestId('network-saved')).toBeVisible();
  await shot(page, '07-settings');
});

test('onboarding: a bad mnemonic gets a clear error', async ({ page, node }) => {
  await page.goto(node.url);
  await page.getByTestId('secret-input').fill(DEV_MNEMONIC.replace('walk', 'fit'));
  await expect(page.getByTestId('wallet-error')).toBeVisible();
  await expect(page.getByTestId('wallet-error')).toContainText(/checksum|not a valid|mnemonic/i);
  await expect(page.getByTestId('save-key')).toBeDisabled();
  await shot(page, '03-bad-mnemonic');
});

test('solo mining: start, see the statistics change, stop', async ({ page, node }) => {
  await page.goto(node.url);
  await page.getByTestId('nav-mining').click();
  await page.getByTestId('mode-solo').click();
  await page.getByTestId('threads').fill('1');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('stat-state')).toContainText(/running/i, { timeout: 60_000 });
  const individuals = page.getByTestId('stat-individuals');
  const count = async () => Number((await individuals.innerText()).replace(/[^0-9]/g, ''));
  await expect.poll(count, { timeout: 30_000 }).toBeGreaterThan(0);
  const first = await count();
  await expect.poll(count, { timeout: 30_000 }).toBeGreaterThan(first);
  await expect(page.getByTestId('best-program')).toContainText('def Predict():');
  // Solo, nothing saved: the line says what the search starts from.
  await expect(page.getByTestId('evolving-from')).toContainText(/^Starting from/);
  await expect(page.getByTestId('chart').locator('canvas')).toBeVisible();
  await shot(page, '04-mining');
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('stat-state')).toContainText(/stopped/i, { timeout: 60_000 });
  // The speed of a run that has stopped is not shown as if live.
  await expect(page.getByTestId('stat-speed')).not.toContainText(/per second/);

  // Starting again continues the saved search, and says so; "Start fresh" does not.
  await page.getByTestId('start').click();
  await expect(page.getByTestId('evolving-from')).toContainText(/^Continuing your saved search/, {
    timeout: 60_000,
  });
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('stat-state')).toContainText(/stopped/i, { timeout: 60_000 });
  await page.getByTestId('start-fresh').check();
  await page.getByTestId('threads').fill('2');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('evolving-from')).toContainText(/^Starting from/, {
    timeout: 60_000,
  });
  // Threads change while the search runs (down, and back up to what it started with).
  await expect(page.getByTestId('stat-state')).toContainText(/running/i, { timeout: 60_000 });
  await page.getByTestId('threads').fill('1');
  await expect(page.getByTestId('stat-cpu').locator('xpath=..')).toContainText(
    'with 1 search thread',
  );
  await expect(page.getByTestId('threads')).toHaveAttribute('max', '2');
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('stat-state')).toContainText(/stopped/i, { timeout: 60_000 });
});

test('solo mining on the regression track: the picker, what its scores mean, a state of its own', async ({
  page,
  node,
}) => {
  await page.goto(node.url);
  await page.getByTestId('nav-mining').click();
  await page.getByTestId('mode-solo').click();
  const picker = page.getByTestId('track-picker');
  await expect(picker).toHaveValue('cifar10-binary-v1');
  await picker.selectOption({ label: 'Regression on a hidden neural network' });
  await expect(page.locator('.field-help').first()).toContainText(
    'Predict the output of a random 2-layer neural network',
  );
  await page.getByTestId('threads').fill('1');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('stat-state')).toContainText(/running/i, { timeout: 60_000 });
  await expect(page.getByTestId('track')).toContainText(
    'You are working on Regression on a hidden neural network (regression-relu-teacher-v1)',
  );
  await expect(page.getByTestId('track')).toContainText('0.50 is predicting 0');
  await expect(page.getByTestId('stat-best').locator('xpath=..')).toContainText(
    'Fit score on your search tasks (0.50 is predicting 0, 1.00 is a perfect fit)',
  );
  // The choice holds while the run goes on.
  await expect(picker).toBeDisabled();
  await expect(picker).toHaveValue('regression-relu-teacher-v1');
  const best = page.getByTestId('stat-best');
  await expect
    .poll(async () => Number(await best.innerText()), { timeout: 30_000 })
    .toBeGreaterThan(0);
  await shot(page, '04b-mining-regression');
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('stat-state')).toContainText(/stopped/i, { timeout: 60_000 });
});

test('leaderboard: without a network it says so', async ({ page, node }) => {
  await page.goto(node.url);
  await page.getByTestId('nav-leaderboard').click();
  await expect(page.getByText(/no validator/i)).toBeVisible();
  await shot(page, '05-leaderboard-empty');
});

test('a wrong token is refused', async ({ page, node }) => {
  await page.goto(node.url.replace(/token=[^&]+/, 'token=wrong'));
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'unauthorized');
});
