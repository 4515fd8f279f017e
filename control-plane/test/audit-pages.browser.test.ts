import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PROJECT_ROOT } from '../../platform/paths';
import { localTokens, startControlPlaneUnderTest, type ControlPlaneUnderTest } from './control-plane-harness';
import { seedOrganization, seedPlatformRecords, type SeededOrganization } from './seed-organization';

// Real processes on a shared 2-core machine: generous time for start-up and each test.
jest.setTimeout(150_000);

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'control-plane');

describe('/audit pages in headless Chromium', () => {
  let cp: ControlPlaneUnderTest;
  let browser: Browser;
  let org: SeededOrganization;
  let auditorToken: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    cp = await startControlPlaneUnderTest();
    org = await seedOrganization(cp.db.pool, 'tasty');
    await seedPlatformRecords(cp.db.pool);
    const token = await localTokens(cp.db);
    auditorToken = token(org.orgId, 'auditor', { name: 'Ina Inspector' });
    await cp.db.pool.query(
      `UPDATE corrective_actions SET state = 'completed', action_taken = 'Moved stock to walk-in 2', product_disposition = 'discarded',
         completed_by = 'u1', completed_by_name = 'Rita Responder', completed_at = now(), completion_meaning = 'performed' WHERE id = $1`,
      [org.actionId],
    );
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await cp?.stop();
  });

  test('without signing in, the pages answer 401', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${cp.url}/audit`);
    expect(res?.status()).toBe(401);
    await page.close();
  });

  test('sign in with a JWT, then every view renders its records and is printable', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${cp.url}/audit/login?token=${auditorToken}`);
    expect(new URL(page.url()).pathname).toBe('/audit');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'ft_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/audit' });
    expect(await page.textContent('h1')).toBe('Audit overview');
    expect(await page.textContent('body')).toContain('TASTY-WALKIN');
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });

    await page.click('text=log & excursions');
    expect(await page.textContent('h1')).toBe('Temperature log — TASTY-WALKIN');
    expect(await page.locator('svg[aria-label="temperature chart"] polyline').count()).toBe(1);
    const unitText = await page.textContent('body');
    expect(unitText).toContain('Moved stock to walk-in 2');
    expect(unitText).toContain('Rita Responder (performed)');
    expect(unitText).toContain('max 5°C');
    // The seeded spike to about 11 °C shows as hourly periods above the 5 °C limit.
    expect(await page.locator('td span.bad', { hasText: 'yes' }).count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(ARTIFACTS, 'unit-temperature-log.png'), fullPage: true });

    await page.click('text=Backups & restore tests');
    const backupRows = await page.locator('table tbody tr').allTextContents();
    expect(backupRows).toHaveLength(3);
    expect(backupRows.join('\n')).toContain('restore test');
    expect(backupRows.join('\n')).toContain('pg_dump: connection refused');
    await page.screenshot({ path: join(ARTIFACTS, 'backups.png'), fullPage: true });

    await page.click('text=Certificates');
    const certText = await page.textContent('table');
    expect(certText).toContain('88 days');
    expect(certText).toContain('renewed after this');
    expect(certText).toContain('88.9% (renewal overdue)');
    await page.screenshot({ path: join(ARTIFACTS, 'certificates.png'), fullPage: true });

    await page.click('text=Notifications');
    expect(await page.textContent('table')).toContain('TemperatureExcursion');
    await page.screenshot({ path: join(ARTIFACTS, 'notifications.png'), fullPage: true });

    // CSV exports for the signed-in browser, from the overview's links.
    await page.click('text=Overview');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Excursions with corrective actions')]);
    const csv = await new Promise<string>((resolve, reject) => {
      let text = '';
      download.createReadStream().then((stream) => {
        stream.on('data', (c: Buffer) => (text += c.toString()));
        stream.on('end', () => resolve(text));
      }, reject);
    });
    expect(csv.split('\r\n')[0]).toContain('correctiveActionState');
    expect(csv).toContain('Moved stock to walk-in 2');
    expect(download.suggestedFilename()).toMatch(/^excursions-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);

    // Printable: the navigation is hidden by the print stylesheet.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav').isVisible()).toBe(false);
    await context.close();
  });
});
