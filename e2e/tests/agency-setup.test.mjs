// Each agency's setup in a real browser, on every engine: the demo administrator opens
// "Đơn vị và thủ tục" from the officials' page, finds the ward, changes the online level of a
// procedure it receives (the public API shows it at once), gives that procedure an internal
// process of its own with the keyboard, and reads the office hours. On a phone and a desktop;
// every page passes axe-core.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, launch, accessibilityProblems, signIn, PHONE, DESKTOP, ENGINES } from "../lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = process.env.SHOTS ? join(here, "..", "..", "docs", "screenshots") : null;
const WARD = "bn.x07210";
const BIRTH = "1.001193";

let browser;
before(async () => {
  browser = await launch();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});
after(async () => { await browser?.close(); });

async function accessible(page, what) {
  assert.deepEqual(await accessibilityProblems(page), [], `${what} accessibility`);
}

async function levelAt(base, agency) {
  const p = await (await fetch(`${base}/api/v1/procedures/${BIRTH}`)).json();
  return p.offered_by.find((o) => o.agency_id === agency)?.online_level;
}

for (const engine of ENGINES) {
  test(`an administrator sets up an agency's offers, process and hours (${engine})`, async () => {
    const server = await startServer(engine);
    try {
      for (const [label, viewport, level, levelName] of [["390", PHONE, "PARTIAL", "Trực tuyến một phần"], ["1280", DESKTOP, "FULL", "Trực tuyến toàn trình"]]) {
        const context = await browser.newContext(viewport);
        const page = await signIn(context, server.base, "admin");
        await page.waitForURL(/\/mot-cua\/can-bo$/);
        await page.locator(`a[href="/mot-cua/don-vi"]`).click();
        await page.waitForURL(/\/mot-cua\/don-vi$/);
        await page.getByLabel("Tên hoặc mã cơ quan, đơn vị").fill(WARD);
        await page.getByRole("button", { name: "Tìm", exact: true }).click();
        await accessible(page, `agency list ${label}`);
        await page.locator(`a[href="/mot-cua/don-vi/${WARD}"]`).click();
        await page.waitForURL(new RegExp(`/mot-cua/don-vi/${WARD.replace(".", "\\.")}$`));
        await accessible(page, `agency page ${label}`);

        // The level, found by the filter, changed in the table and saved once.
        await page.getByLabel("Lọc theo tên hoặc mã thủ tục").fill("khai sinh");
        await page.getByRole("button", { name: "Lọc", exact: true }).click();
        await page.getByLabel(`Mức trực tuyến của thủ tục ${BIRTH}`).selectOption({ label: levelName });
        await page.getByRole("button", { name: "Lưu thay đổi" }).click();
        await page.locator("#thong-bao").waitFor();
        assert.match(await page.locator("#thong-bao").innerText(), /Đã lưu 1 thay đổi/);
        assert.equal(await levelAt(server.base, WARD), level, "the portal shows it at once");
        if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-agency-setup-${label}.png`), fullPage: true });

        // The process: the second step renamed, saved from the keyboard.
        await page.getByRole("link", { name: new RegExp(`thủ tục ${BIRTH.replace(".", "\\.")}`) }).click();
        await page.waitForURL(/\/quy-trinh\//);
        await accessible(page, `process editor ${label}`);
        const name = page.locator("#ten-1");
        await name.fill(`Thẩm định hồ sơ (${label})`);
        await name.press("Enter");
        await page.locator("#thong-bao").waitFor();
        assert.match(await page.locator("#thong-bao").innerText(), /Đã lưu quy trình nội bộ/);
        await page.getByRole("link", { name: new RegExp(`Quy trình riêng.*${BIRTH.replace(".", "\\.")}`) }).click();
        assert.equal(await page.locator("#ten-1").inputValue(), `Thẩm định hồ sơ (${label})`);
        // A total that overruns the limit is refused, said in the summary, focus on it.
        await page.locator("#thoi-gian-0").fill("99");
        await page.getByRole("button", { name: "Lưu quy trình" }).click();
        await page.locator(".error-summary").waitFor();
        assert.match(await page.locator(".error-summary").innerText(), /phải bằng đúng/);
        await accessible(page, `process editor with an error ${label}`);
        if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-process-editor-${label}.png`), fullPage: true });

        // The office hours page.
        await page.goto(`${server.base}/mot-cua/don-vi/${WARD}/gio-lam-viec`);
        await accessible(page, `office hours ${label}`);
        assert.match(await page.locator("#gio").inputValue(), /working_day_minutes/);
        await context.close();
      }
    } finally {
      await server.stop();
    }
  });
}
