// The administration of officials in a real browser, on every engine: the demo administrator
// lands on the officials, adds one (first with a mistake the error summary
// leads to), gives a role for one procedure, revokes it, and disables the account after
// confirming; the new official can sign in until then. Then a catalog file is imported and
// its report read. On a phone and a desktop; every page
// passes axe-core; markup typed as a name stays text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, launch, accessibilityProblems, signIn, PHONE, DESKTOP, ENGINES } from "../lib.mjs";

const SHOTS = process.env.SHOTS ? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "screenshots") : null;
const NASTY = `Lê <script>window.pwned=1</script>"><img src=x onerror="window.pwned=1">`;
const PASSWORD = "mật khẩu ban đầu dài";

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
  test(`an administrator manages an official and their grants (${engine})`, async () => {
    const server = await startServer(engine);
    try {
      for (const [label, viewport] of [["390", PHONE], ["1280", DESKTOP]]) {
        const context = await browser.newContext(viewport);
        const page = await signIn(context, server.base, "admin", "motcua-demo");
        // An administrator lands on the officials.
        await page.waitForURL(/\/mot-cua\/can-bo$/);
        await accessible(page, `officials ${label}`);
        assert.match(await page.locator(".result-count").innerText(), /\d+ cán bộ/);
        if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-officials-${label}.png`), fullPage: true });

        await page.getByRole("link", { name: "Thêm cán bộ" }).click();
        await page.waitForURL(/\/mot-cua\/can-bo\/moi$/);
        await accessible(page, `new official ${label}`);
        const username = `tam${label}${engine.slice(0, 2)}`;
        await page.getByLabel("Họ và tên").fill(NASTY);
        await page.getByLabel("Tên đăng nhập").fill(username);
        await page.getByLabel("Mật khẩu ban đầu").fill(PASSWORD);
        await page.getByRole("button", { name: "Tạo tài khoản" }).click();
        // No unit chosen: the summary says so, takes focus, and its link leads to the field.
        const summary = page.locator(".error-summary");
        await summary.waitFor();
        await accessible(page, `new official with an error ${label}`);
        await summary.getByRole("link", { name: /Chọn đơn vị công tác/ }).click();
        assert.equal(await page.evaluate(() => document.activeElement.id), "don_vi");
        assert.equal(await page.getByLabel("Họ và tên").inputValue(), NASTY, "kept");
        await page.getByLabel("Đơn vị công tác").selectOption({ label: "Sở Tư pháp tỉnh Bắc Ninh" });
        await page.getByLabel("Mật khẩu ban đầu").fill(PASSWORD);
        await page.getByRole("button", { name: "Tạo tài khoản" }).click();
        await page.waitForURL(/\/mot-cua\/can-bo\/[0-9a-f-]+\?tb=tao/);
        assert.match(await page.locator("#thong-bao").innerText(), /Đã tạo tài khoản/);
        assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), NASTY);
        assert.equal(await page.evaluate(() => window.pwned), undefined);
        await accessible(page, `official ${label}`);

        // A role for one procedure, from this month.
        await page.getByLabel("Vai trò").selectOption({ label: "Chuyên viên thụ lý" });
        await page.getByLabel("Tại cơ quan, đơn vị").selectOption({ label: "Sở Tư pháp tỉnh Bắc Ninh" });
        await page.getByLabel("Chỉ hồ sơ của thủ tục (mã thủ tục)").fill("1.001193");
        await page.getByRole("button", { name: "Giao quyền" }).click();
        await page.waitForURL(/tb=cap-quyen/);
        const row = page.locator("table.data tbody tr").first();
        assert.match(await row.innerText(), /Chuyên viên thụ lý[\s\S]*chỉ thủ tục 1\.001193[\s\S]*Đang hiệu lực/);
        await accessible(page, `official with a grant ${label}`);
        if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-official-${label}.png`), fullPage: true });

        // The new official signs in and lands on the queues.
        const theirs = await browser.newContext(viewport);
        const them = await signIn(theirs, server.base, username, PASSWORD);
        await them.waitForURL(/\/mot-cua$/);
        await theirs.close();

        await page.getByRole("button", { name: /Thu hồi quyền Chuyên viên thụ lý/ }).click();
        await page.waitForURL(/tb=thu-hoi/);
        assert.match(await row.innerText(), /Đã thu hồi/);

        // Disabling asks for a confirmation first, then ends the account's sessions.
        await page.getByRole("button", { name: "Khóa tài khoản" }).click();
        await summary.waitFor();
        await summary.getByRole("link").first().click();
        assert.equal(await page.evaluate(() => document.activeElement.id), "xac_nhan");
        await page.keyboard.press("Space");
        await page.getByRole("button", { name: "Khóa tài khoản" }).click();
        await page.waitForURL(/tb=khoa/);
        assert.match(await page.locator("dl.kv").innerText(), /Đã khóa lúc/);
        const locked = await browser.newContext(viewport);
        const refused = await signIn(locked, server.base, username, PASSWORD);
        await refused.waitForLoadState();
        assert.doesNotMatch(refused.url(), /\/mot-cua$/);
        await locked.close();

        // The catalog import: a file with one procedure and one broken line, and its report.
        await page.goto(server.base + "/mot-cua/can-bo");
        await page.getByRole("link", { name: "Nhập danh mục thủ tục" }).click();
        await page.waitForURL(/\/mot-cua\/danh-muc$/);
        await accessible(page, `catalog import ${label}`);
        const code = `2.99${label === "390" ? "3901" : "1281"}`;
        const line = JSON.stringify({
          ma_thu_tuc: code, ten_thu_tuc: `Thủ tục thử nghiệm ${label}`, cap_thuc_hien: "Cấp xã",
          linh_vuc: "Đăng ký, quản lý cư trú", so_quyet_dinh: "5548/QĐ-BCA",
          cach_thuc_thuc_hien: "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp7 Ngày làm việc20,000 Việt Nam Đồng",
          thanh_phan_ho_so: "", can_cu_phap_ly: "", trinh_tu_thuc_hien: "Bước 1: Nộp hồ sơ", ket_qua_xu_ly: "",
        });
        await page.getByLabel("Tệp danh mục (JSON Lines)").setInputFiles({
          name: "danh-muc.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(`${line}\nkhông phải JSON\n`),
        });
        await page.getByRole("button", { name: "Nhập danh mục" }).click();
        await page.locator("#ket-qua").waitFor();
        assert.match(await page.locator("#ket-qua").innerText(), /Đã đọc 2 thủ tục[\s\S]*Thủ tục mới\s*1/);
        assert.match(await page.locator("table.data").innerText(), /2/);
        await accessible(page, `catalog import report ${label}`);
        if (SHOTS) await page.screenshot({ path: join(SHOTS, `office-catalog-import-${label}.png`), fullPage: true });
        const r = await fetch(`${server.base}/api/v1/procedures/${code}`);
        assert.equal(r.status, 200, "in the catalog at once");
        await context.close();
      }
    } finally {
      await server.stop();
    }
  });
}
