/**
 * README's browser path on a node started without a keystore passphrase (`npm start -- serve`):
 * the person chooses one in the page, saves a key, and after a restart unlocks the stored key
 * with it; a wrong one gets a sentence, not a broken form. Screenshots for a person to look at.
 */
import { DEV_ADDRESS, DEV_MNEMONIC, expect, shot, startNode, stopNode, test } from './fixtures';

const CHOSEN = 'correct horse battery staple';

test('keys save on a node started without a passphrase', async ({ page }) => {
  const first = await startNode([], undefined, null);
  try {
    await page.goto(first.node.url);
    const gate = page.getByTestId('keystore-passphrase');
    await expect(gate).toContainText('Choose a passphrase for your keys');
    await page.getByTestId('passphrase-input').fill('short');
    await expect(page.getByTestId('passphrase-strength')).toContainText('Too short');
    await expect(page.getByTestId('passphrase-submit')).toBeDisabled();
    await page.getByTestId('passphrase-input').fill(CHOSEN);
    await page.getByTestId('passphrase-again').fill(CHOSEN);
    await expect(page.getByTestId('passphrase-strength')).toContainText('Strong');
    await shot(page, '20-keystore-choose');
    await page.getByTestId('passphrase-submit').click();
    // Now the usual form: paste, see the address, save.
    await page.getByTestId('secret-input').fill(DEV_MNEMONIC);
    await expect(page.getByTestId('address-preview')).toContainText(DEV_ADDRESS);
    await page.getByTestId('save-key').click();
    await page.getByTestId('nav-wallet').click();
    await expect(page.getByText(DEV_ADDRESS)).toBeVisible();
    expect(await page.content()).not.toContain(CHOSEN);
    expect(first.node.output.join('\n')).not.toContain(CHOSEN);
  } finally {
    await stopNode(first.child);
  }

  // Restarted: the stored key asks for its passphrase.
  const again = await startNode([], undefined, null, first.node);
  try {
    await page.goto(`${again.node.url.split('#')[0]}#/welcome`);
    await expect(page.getByTestId('keystore-passphrase')).toContainText(
      'Enter the passphrase of your keys',
    );
    await page.getByTestId('passphrase-input').fill('not the passphrase');
    await page.getByTestId('passphrase-submit').click();
    await expect(page.getByTestId('passphrase-error')).toContainText('does not open the keys');
    await shot(page, '21-keystore-wrong');
    await page.getByTestId('passphrase-input').fill(CHOSEN);
    await page.getByTestId('passphrase-submit').click();
    await expect(page.getByTestId('secret-input')).toBeVisible();
    await page.getByTestId('nav-wallet').click();
    await expect(page.getByText(DEV_ADDRESS)).toBeVisible();
  } finally {
    await stopNode(again.child);
  }
});
