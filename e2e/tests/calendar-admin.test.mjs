// The calendar's administration in a real browser, on every engine: the demo administrator
// opens the calendar page from the officials, uploads a file with one day changed, reads the
// difference (nothing saved yet), confirms, and the public calendar shows the day's new status.
// On a phone and a desktop; every page passes axe-core.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, launch, accessibilityProblems, signIn, PHONE, DESKTOP, ENGINES } from "../lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.SHOTS ? join(here, "..", "..", "docs", "screenshots") : null;

/** The shipped 2026 rows with one day's status changed from `from` to `to`. */
function year2026(from, to) {
  const text = readFileSync(join(here, "..", "..", "data", "calendar", "vn-public-sector.csv"), "utf8");
  return text.split("\n")
    .filter((l) => l.startsWith("date,") || l.startsWith("2026-"))
    .map((l) => (l.startsWith("2026-09-01,") ? l.replace(`,${from},`, `,${to},`) : l))
    .join("\n");
}

let browser;
before(async () => {
  browser = await launch();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});
after(async () => { await browser?.close(); });

async function accessible(page, what) {
  assert.deepEqual(await accessibilityProblems(page), [], `${what} accessibility`);
}

for (const engine of ENGINES) {
  test(`an administrator imports a calendar after reading its difference (${engine})`, async () => {
    const server = await startServer(engine);
    try {
      // The phone confirms the reported day; the desktop then turns it back.
      for (const [label, viewport, from, to] of [["390", PHONE, "reported", "confirmed"], ["1280", DESKTOP, "confirmed", "reported"]]) {
        const context = await browser.newContext(viewport);
        const page = await signIn(context, server.base, "admin");
        await page.waitForURL(/\/mot-cua\/can-bo$/);
        await page.locator(`a[href="/mot-cua/lich"]`).click();
        await page.waitForURL(/\/mot-cua\/lich$/);
        await accessible(page, `calendar form ${label}`);

        await page.getByLabel("Tệp lịch (CSV)").setInputFiles({
          name: "lich-2026.csv", mimeType: "text/csv", buffer: Buffer.from(year2026(from, to)),
        });
        await page.getByRole("button", { name: "Xem những ngày thay đổi" }).click();
        const result = page.locator("#ket-qua");
        await result.waitFor();
        assert.match(await result.innerText(), /Xem trước, chưa lưu[\s\S]*0 ngày thêm, 0 ngày bỏ, 1 ngày sửa/);
        assert.match(await page.locator("table.data").innerText(), /01\/09\/2026/);
        await accessible(page, `calendar preview ${label}`);
        if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-calendar-preview-${label}.png`), fullPage: true });
        let year = await (await fetch(`${server.base}/api/v1/calendar/2026`)).json();
        assert.equal(year.days_off.find((d) => d.date === "2026-09-01").status, from, "nothing saved by the preview");

        await page.getByLabel("Căn cứ thay đổi").fill("Thông báo 9441/TB-BNV");
        await page.getByRole("button", { name: "Lưu lịch này" }).click();
        await page.waitForURL(/\/mot-cua\/lich\/luu$/);
        assert.match(await result.innerText(), /Đã lưu/);
        await accessible(page, `calendar saved ${label}`);
        year = await (await fetch(`${server.base}/api/v1/calendar/2026`)).json();
        assert.equal(year.days_off.find((d) => d.date === "2026-09-01").status, to, "served at once");
        await context.close();
      }
    } finally {
      await server.stop();
    }
  });
}
