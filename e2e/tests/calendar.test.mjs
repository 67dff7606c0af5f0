// The citizen's path through the working calendar, in a real browser: open the due-date
// calculator, compute a deadline across Tết Bính Ngọ, read which days were skipped and why, and
// browse the year's days off. Every page visited must pass the automated WCAG 2.2 A/AA checks of
// axe-core with no serious or critical violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, accessibilityProblems, PHONE, DESKTOP } from "../lib.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [name, device] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`compute a due date across Tết and read the explanation (${name})`, async () => {
    const page = await browser.newPage(device);
    await page.goto(server.base + "/");
    await page.getByRole("link", { name: "Lịch làm việc" }).click();
    await page.waitForURL(/\/lich-lam-viec$/);
    await page.getByRole("link", { name: /Tính hạn giải quyết hồ sơ/ }).click();
    await page.waitForURL(/\/lich-lam-viec\/tinh-han/);
    assert.equal((await page.locator("h1").textContent()).trim(), "Tính hạn giải quyết hồ sơ");
    assert.deepEqual(await accessibilityProblems(page), [], "calculator accessibility");

    // Received Friday 13/02/2026 at 16:30, three working days.
    await page.getByLabel("Ngày nhận").fill("2026-02-13");
    await page.getByLabel("Giờ nhận").fill("16:30");
    await page.getByLabel("Số", { exact: true }).fill("3");
    await page.getByLabel("Đơn vị").selectOption("working_days");
    await page.getByRole("button", { name: "Tính hạn" }).click();
    await page.waitForURL(/date=2026-02-13/);

    const result = page.getByRole("region", { name: "Hạn trả kết quả dự kiến" });
    assert.equal((await result.locator(".due-big").textContent()).trim(), "16 giờ 30, thứ Tư, ngày 25/02/2026");
    assert.match(await result.textContent(), /Không tính kỳ nghỉ Tết Nguyên đán Bính Ngọ \(14\/02–22\/02\/2026, 9 ngày\)/);
    const skipped = result.locator("ul.days li");
    assert.equal(await skipped.count(), 9);
    assert.match(await skipped.nth(2).textContent(), /Thứ Hai\s+16\/02\/2026\s+Nghỉ Tết Nguyên đán Bính Ngọ/);
    assert.match(await skipped.nth(0).textContent(), /Thứ Bảy trong kỳ nghỉ Tết Nguyên đán Bính Ngọ/);
    assert.deepEqual(await accessibilityProblems(page), [], "result accessibility");
    await page.close();
  });
}

test("a mistake in the form is explained next to the field", async () => {
  const page = await browser.newPage(DESKTOP);
  await page.goto(server.base + "/lich-lam-viec/tinh-han");
  await page.getByLabel("Số", { exact: true }).fill("-2");
  await page.getByRole("button", { name: "Tính hạn" }).click();
  await page.waitForURL(/amount=-2/);
  const summary = page.getByRole("alert");
  assert.match(await summary.textContent(), /Thời hạn phải là một số/);
  const amount = page.getByLabel("Số", { exact: true });
  assert.equal(await amount.getAttribute("aria-invalid"), "true");
  // The summary links to the field, which names the error too.
  assert.equal(await summary.getByRole("link").first().getAttribute("href"), "#due-amount");
  assert.match(await page.locator("#due-amount-error").textContent(), /Thời hạn phải là một số/);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.close();
});

test("the year's days off, with lunar dates, and a year that is only computed", async () => {
  const page = await browser.newPage(PHONE);
  await page.goto(server.base + "/lich-lam-viec?year=2026");
  const tet = page.getByRole("region", { name: "Tết Nguyên đán Bính Ngọ" });
  assert.match(await tet.locator(".occasion-range").textContent(), /Nghỉ 9 ngày/);
  assert.match(await tet.textContent(), /Âm lịch: 1\/1 năm Bính Ngọ/);
  const newYear = page.getByRole("region", { name: "Tết Dương lịch" });
  assert.match(await newYear.locator("li.make-up").textContent(), /Làm việc bù cho ngày 02\/01\/2026/);
  assert.deepEqual(await accessibilityProblems(page), [], "2026 accessibility");

  await page.getByLabel("Năm", { exact: true }).selectOption("2027");
  await page.getByRole("button", { name: "Xem lịch" }).click();
  await page.waitForURL(/year=2027/);
  assert.match(await page.locator(".notice.warn").textContent(), /Năm 2027 chưa có lịch nghỉ chính thức/);
  assert.deepEqual(await accessibilityProblems(page), [], "2027 accessibility");
  await page.close();
});

test("the procedure page estimates when a result would be ready", async () => {
  const page = await browser.newPage(DESKTOP);
  await page.goto(server.base + "/thu-tuc/1.001193");
  const estimate = page.locator(".estimate").first();
  assert.match(await estimate.textContent(), /Nếu nộp ngay bây giờ, dự kiến có kết quả: \d\d giờ \d\d, (thứ|chủ nhật)/);
  await estimate.getByText("Cách tính").click();
  assert.match(await estimate.textContent(), /lịch làm việc chung/);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.close();
});
