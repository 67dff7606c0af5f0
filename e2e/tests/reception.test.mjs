// The desk's reception in a real browser, on every engine: receiver1 finds the procedure by
// words without marks, fills a returning applicant in from their number, ticks the paper seen,
// attaches a scan, tries to receive with a required document missing (the error summary takes
// them to it), then receives and prints Form 01; a second dossier is handed back with Form 02.
// On a phone and a desktop; every page passes axe-core; markup typed as a name stays text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, launch, accessibilityProblems, PHONE, DESKTOP, ENGINES } from "../lib.mjs";

const SHOTS = process.env.SHOTS ? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "screenshots") : null;
const NASTY = `Lê <script>window.pwned=1</script>"><img src=x onerror="window.pwned=1">`;

let browser;
before(async () => {
  browser = await launch();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});
after(async () => { await browser?.close(); });

async function accessible(page, what) {
  assert.deepEqual(await accessibilityProblems(page), [], `${what} accessibility`);
}

async function signIn(base, viewport) {
  const context = await browser.newContext(viewport);
  const page = await context.newPage();
  await page.goto(base + "/dang-nhap");
  await page.getByLabel("Email, số điện thoại hoặc tên đăng nhập").fill("receiver1");
  await page.getByLabel("Mật khẩu").fill("motcua-demo");
  await page.getByRole("button", { name: "Đăng nhập", exact: true }).click();
  await page.waitForURL(/\/mot-cua$/);
  return { context, page };
}

/** From the queues to the birth registration's reception form, by keyboard where it counts. */
async function openForm(page, base) {
  await page.getByRole("link", { name: "Tiếp nhận hồ sơ mới" }).click();
  await page.waitForURL(/\/mot-cua\/tiep-nhan$/);
  await accessible(page, "reception search");
  await page.getByLabel("Tên hoặc mã thủ tục").fill("dang ky khai sinh");
  await page.keyboard.press("Enter");
  await page.waitForURL(/q=/);
  await page.getByRole("link", { name: "Thủ tục đăng ký khai sinh", exact: true }).click();
  await page.waitForURL(/\/mot-cua\/tiep-nhan\/1\.001193/);
}

for (const engine of ENGINES) {
  test(`the desk receives a paper dossier (${engine})`, async () => {
    const server = await startServer(engine);
    try {
      for (const [label, viewport] of [["390", PHONE], ["1280", DESKTOP]]) {
        const { context, page } = await signIn(server.base, viewport);
        await openForm(page, server.base);
        await accessible(page, `reception form ${label}`);
        // Someone unknown to the desk: said, and their number kept.
        await page.getByLabel("Người nộp đã đến trước: số định danh hoặc mã số thuế").fill("024090004321");
        await page.keyboard.press("Enter");
        await page.waitForURL(/tim=/);
        assert.equal(await page.getByLabel("Số định danh cá nhân", { exact: true }).inputValue(), "024090004321");
        await page.getByLabel("Họ và tên (hoặc tên tổ chức)").fill(NASTY);
        // Receive with nothing ticked: the summary links to the missing document.
        await page.getByRole("button", { name: /Tiếp nhận và in giấy tiếp nhận/ }).click();
        await page.waitForURL(/tiep-nhan\/1\.001193/);
        const summary = page.locator(".error-summary");
        await summary.waitFor();
        await accessible(page, `reception errors ${label}`);
        assert.equal(await page.getByLabel("Họ và tên (hoặc tên tổ chức)").inputValue(), NASTY, "what was typed stays");
        await summary.getByRole("link").first().click();
        const focused = await page.evaluate(() => document.activeElement?.id ?? "");
        assert.match(focused, /^nhan-\d+$/, "the link lands on the document's box");
        await page.keyboard.press("Space");
        const required = page.locator("fieldset.component").filter({ has: page.locator("legend .badge") });
        for (let i = 0; i < await required.count(); i++) await required.nth(i).getByLabel("Đã nhận").check();
        await required.first().locator("input[type=file]").setInputFiles({
          name: "giay-chung-sinh.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 scan"),
        });
        if (SHOTS && label === "1280") await page.screenshot({ path: join(SHOTS, "office-reception-1280.png"), fullPage: true });
        if (SHOTS && label === "390") await page.screenshot({ path: join(SHOTS, "office-reception-390.png"), fullPage: true });
        await page.getByRole("button", { name: /Tiếp nhận và in giấy tiếp nhận/ }).click();
        await page.waitForURL(/\/mot-cua\/ho-so\/.+nhap=tiep-nhan/);
        await accessible(page, `received dossier ${label}`);
        assert.equal(await page.evaluate(() => window.pwned), undefined, "markup stays text");
        assert.ok(await page.getByText(NASTY).first().isVisible(), "the name shown as typed");
        const print = page.getByRole("link", { name: /In Mẫu 01/ });
        assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim().startsWith("In Mẫu 01")), true, "focus on the print link");
        const pdf = await page.request.get(server.base + await print.getAttribute("href"));
        assert.equal(pdf.status(), 200);
        assert.equal(pdf.headers()["content-type"], "application/pdf");
        assert.ok(await page.getByText("Bản giấy đã nhận").first().isVisible());
        await page.getByText("Xem nhanh").first().click();
        // The same applicant again: found by their number this time; handed back with Form 02.
        await page.getByRole("link", { name: "Tiếp nhận hồ sơ khác của thủ tục này" }).click();
        await page.waitForURL(/\/mot-cua\/tiep-nhan\/1\.001193$/);
        await page.getByLabel("Người nộp đã đến trước: số định danh hoặc mã số thuế").fill("0240 9000 4321");
        await page.keyboard.press("Enter");
        await page.waitForURL(/tim=/);
        assert.equal(await page.getByLabel("Họ và tên (hoặc tên tổ chức)").inputValue(), NASTY);
        await page.locator("fieldset.component").filter({ has: page.locator("legend .badge") }).first().getByLabel("Còn thiếu").check();
        await page.getByLabel("Nội dung hướng dẫn").fill("Mang bản chính giấy chứng sinh");
        await page.getByRole("button", { name: "Hướng dẫn bổ sung (Mẫu 02)" }).click();
        await page.waitForURL(/nhap=bo-sung/);
        await accessible(page, `handed back ${label}`);
        assert.ok(await page.getByRole("link", { name: /In Mẫu 02/ }).isVisible());
        assert.ok(await page.getByText("Chờ bổ sung").first().isVisible());
        await context.close();
      }
    } finally {
      await server.stop();
    }
  });
}
